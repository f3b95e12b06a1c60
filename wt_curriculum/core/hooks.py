"""Extension points between layers.

A lower area declares a `Hook` where it needs something only a higher area knows (the packages of a goal,
whether a school still has year plans); the higher area registers a function for it when its module is
imported. So the lower area never imports the higher one, and the roof (`wt_curriculum/__init__.py`, which
imports every area) makes sure that all registrations have happened before the first request.
"""
from dataclasses import dataclass, field


class Hook:
    """An ordered set of functions; calling the hook calls each with the same arguments."""

    def __init__(self, name: str):
        self.name = name
        self._registered: list[tuple[int, int, object]] = []  # (order, sequence, function)

    def register(self, function=None, *, order: int = 100):
        """Register `function` (also as `@hook.register` or `@hook.register(order=10)`); lower orders are called
        first, then the order of registration. Registering a function twice keeps one."""
        if function is None:
            return lambda f: self.register(f, order=order)
        if function not in self._functions:
            self._registered.append((order, len(self._registered), function))
            self._registered.sort(key=lambda entry: entry[:2])
        return function

    @property
    def _functions(self) -> list:
        return [function for _, _, function in self._registered]

    def __call__(self, *args, **kwargs) -> list:
        """Every registered function's answer, in registration order, leaving out the ones that gave None."""
        results = (function(*args, **kwargs) for function in self._functions)
        return [result for result in results if result is not None]

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._functions)} functions>"


@dataclass
class Section:
    """A part of a page that another area renders: its template and what that template needs."""

    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    slot: str | None = None  # rendered into this slot of a cached fragment (core/fragments.py), not after it


def sections(hook: Hook, *args, **kwargs) -> list[Section]:
    """The sections a hook's functions give for one page, in their `order`."""
    return sorted(hook(*args, **kwargs), key=lambda section: section.order)


# Areas that serve an API of their own (the CASE binding) register a function returning
# {"paths": {...}, "schemas": {...}} (OpenAPI 3.1); the api area adds them to /api/v1/openapi.json.
openapi_paths = Hook("openapi_paths")

# Parts of the home page that areas add (the open consultation rounds for the viewer, ...): functions taking
# (session, viewer) and returning a Section or None. The site's home page shows them in their order.
home_page_sections = Hook("home_page_sections")

# --- The start page ("what should I do now") ---------------------------------------------------
# Every area that has something for a role's start page registers a function (session, user) -> Section | None
# here; the start page (site area) shows the sections in their `order`. Planning adds the school's and the
# network's parts, lessons and objectives the editors' drafts, admin the administrator's. Consultations (#20)
# and regions (#21) add theirs the same way.
start_page_sections = Hook("core.start_page_sections")
