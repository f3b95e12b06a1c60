"""A cache of rendered fragments that do not depend on who is looking: a goal's body, a package's body, a
school's coverage matrix. Logged-in pages reuse them as well as anonymous ones; only the parts that depend on
the viewer (edit buttons, the plan form, the menu) are rendered per request, into slots of the fragment.

The backend is Flask-Caching: Redis when `REDIS_URL` is set (the queue's setting, `WT_REDIS_URL`), so that
every worker and machine shares one copy, a per-process memory cache otherwise. A key holds the fragment's
name and parameters, the language, and the content generations (core/page_cache.py: raised in the same
transaction as every change to public content, and to year plans), so a change is seen at the next request
and old entries simply expire. `FRAGMENT_CACHE = False` turns it off (the benchmark measures both).
"""
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app, g
from flask_caching import Cache
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .page_cache import CSRF_MARKER, current_generations

cache = Cache()
SLOT = "\x1eslot:{}\x1e"
CAPTURE = "<!--wt:{}-->"
END_CAPTURE = "<!--/wt:{}-->"
BLOCKS = ("title", "head", "content")


def init_app(app: Flask) -> None:
    config = app.config
    if config.get("REDIS_URL"):
        config.setdefault("CACHE_TYPE", "RedisCache")
        config.setdefault("CACHE_REDIS_URL", config["REDIS_URL"])
    else:
        config.setdefault("CACHE_TYPE", "SimpleCache")
        config.setdefault("CACHE_THRESHOLD", 2000)
    config.setdefault("CACHE_KEY_PREFIX", "wt-fragments:")
    config.setdefault("CACHE_DEFAULT_TIMEOUT", 3600)
    cache.init_app(app)
    app.jinja_env.globals["fragment_slot"] = slot
    app.jinja_env.globals["capture_mark"] = _capture_mark


def enabled() -> bool:
    return bool(current_app.config.get("FRAGMENT_CACHE", True))


def slot(name: str) -> Markup:
    """Where a per-viewer part goes into a cached fragment (`Fragment.fill(name=html)`)."""
    return Markup(SLOT.format(name))  # noqa: S704 (a fixed marker; names come from templates)


@dataclass
class Fragment:
    html: str
    data: dict = field(default_factory=dict)  # what the page needs besides the HTML (title, status, ...)

    def fill(self, **parts) -> Markup:
        html = self.html.replace(CSRF_MARKER, generate_csrf()) if CSRF_MARKER in self.html else self.html
        for name, part in parts.items():
            html = html.replace(SLOT.format(name), str(part or ""))
        return Markup(html)  # noqa: S704 (rendered by Jinja with autoescape, as are the parts)


def _generations() -> tuple[int, int] | None:
    if "wt_generations" not in g:
        g.wt_generations = current_generations()
    return g.wt_generations


def key_for(name: str, *parts, plans: bool = False) -> str | None:
    """The cache key of a fragment, or None when there is no content generation to key it by."""
    from flask_babel import get_locale

    generations = _generations()
    if generations is None:
        return None
    generation = f"{generations[0]}.{generations[1]}" if plans else str(generations[0])
    raw = "|".join([name, *(str(p) for p in parts), str(get_locale()), generation])
    return f"{name}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached(name: str, parts: tuple, render: Callable[[], Fragment], plans: bool = False) -> Fragment:
    """The fragment from the cache, or rendered (and stored). `render` may raise (e.g. NotFound): then
    nothing is stored. `plans=True` for fragments that show year plans too."""
    key = key_for(name, *parts, plans=plans) if enabled() else None
    if key is not None:
        hit = cache.get(key)
        if isinstance(hit, Fragment):
            return hit
    fragment = render()
    if key is not None:
        token = generate_csrf()
        cache.set(key, Fragment(fragment.html.replace(token, CSRF_MARKER), {
            k: v.replace(token, CSRF_MARKER) if isinstance(v, str) else v for k, v in fragment.data.items()}))
    return fragment


# --- Whole blocks of a page template ------------------------------------------------------------------
def _capture_mark(name: str, end: bool = False) -> Markup:
    """base.html marks its title, head and content blocks while a page is rendered to be cached."""
    if not g.get("wt_capture_blocks"):
        return Markup("")
    return Markup((END_CAPTURE if end else CAPTURE).format(name))  # noqa: S704 (a fixed marker)


def _cut(html: str, name: str) -> str:
    start, end = CAPTURE.format(name), END_CAPTURE.format(name)
    return html[html.index(start) + len(start):html.index(end)]


def cached_blocks(name: str, parts: tuple, render_page: Callable[[], str], plans: bool = False) -> Fragment:
    """A page's title, head and content blocks, cached as one fragment: `render_page` renders the template
    as it is (e.g. with render_template); the menu, messages and the rest of base.html stay per request
    (`render_template("core/cached_page.html", blocks=fragment)`). For pages whose content block does not
    depend on the viewer, only on what the key says."""
    def render() -> Fragment:
        g.wt_capture_blocks = True
        try:
            html = render_page()
        finally:
            g.wt_capture_blocks = False
        return Fragment("", {block: _cut(html, block) for block in BLOCKS})

    fragment = cached(name, parts, render, plans=plans)
    token = generate_csrf()
    # Blocks rendered by Jinja with autoescape: safe to put in again.
    return Fragment("", {k: Markup(v.replace(CSRF_MARKER, token))  # noqa: S704
                         for k, v in fragment.data.items()})
