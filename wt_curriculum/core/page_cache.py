"""A cache of rendered public pages for anonymous visitors, kept correct on every change.

Every change to what public pages show (goals, strands, domains, releases, packages, alignments,
attachments, networks, schools, reference frameworks and the crosswalk) raises one counter in the database,
in the same transaction as the change (an after_flush hook). A cached page is served only while the counter
is where it was when the page was rendered, so every worker process sees a change at its next request.
Only anonymous GET requests without pending flash messages use it; the CSRF token of the language form is
put in per request.
"""
from collections import OrderedDict
from functools import wraps
from threading import Lock

from flask import current_app, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from .models import ContentGeneration

WATCHED_TABLES = {
    "domain", "strand", "goal", "framework_release", "lesson_package", "alignment", "attachment", "network",
    "school", "reference_framework", "reference_node", "crosswalk_link", "package_experience",
    "package_adoption",
}
CSRF_MARKER = "\x1ecsrf-token\x1e"
MAX_PAGES = 500



# Set on a session whose open transaction has changed public content: what it reads is not kept (it may yet
# be rolled back).
UNCOMMITTED_CHANGE = "wt_uncommitted_content_change"

# Year plans are not on public pages, but reports show them (cached report PDFs, reports/pdf_cache.py).
PLAN_TABLES = {"plan_entry"}


@event.listens_for(Session, "after_flush")
def _raise_generation(session, flush_context):
    changed = {getattr(obj, "__tablename__", None) for obj in (*session.new, *session.dirty, *session.deleted)}
    table = ContentGeneration.__table__
    values = {}
    if changed & WATCHED_TABLES:
        values["value"] = table.c.value + 1
    if changed & PLAN_TABLES:
        values["plans"] = table.c.plans + 1
    if values:
        session.connection().execute(update(table).where(table.c.id == 1).values(**values))
        if "value" in values:
            session.info[UNCOMMITTED_CHANGE] = True


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session, transaction):
    if transaction.parent is None:  # the outer transaction: committed, rolled back or closed
        session.info.pop(UNCOMMITTED_CHANGE, None)


# The counters are read on nearly every request: the statements are built once (building one, and its cache
# key, cost as much as running it).
_GENERATION = select(ContentGeneration.value).where(ContentGeneration.id == 1)
_GENERATIONS = select(ContentGeneration.value, ContentGeneration.plans).where(ContentGeneration.id == 1)


def current_generation(session: Session | None = None) -> int | None:
    return (session or db.session).scalar(_GENERATION)


def current_generations() -> tuple[int, int] | None:
    """(public content, year plans): what every report shows has changed when either has."""
    row = db.session.execute(_GENERATIONS).first()
    return (row.value, row.plans) if row is not None else None


def kept_until_content_changes(session: Session, name: str, build):
    """`build()`, made once per process and kept while public content is unchanged (the same counter as the
    page cache): for what a request derives from all goals or packages, such as search's vocabulary. One
    query for the counter; data read after it can only be newer, so a kept value is never older than it says.
    Nothing is kept or reused inside a transaction that has itself changed content and not committed yet."""
    if session.info.get(UNCOMMITTED_CHANGE):
        return build()
    generation = current_generation(session)
    store = current_app.extensions.setdefault("wt_kept_until_content_changes", {})
    hit = store.get(name)
    if hit is not None and generation is not None and hit[0] == generation:
        return hit[1]
    value = build()
    if generation is not None:
        store[name] = (generation, value)
    return value


class PageStore:
    """The cached pages of one app (one per worker process), least recently used dropped first."""

    def __init__(self, size: int = MAX_PAGES):
        self.size = size
        self.pages: OrderedDict[tuple, tuple[int, str]] = OrderedDict()
        self.lock = Lock()

    def get(self, key, generation: int) -> str | None:
        with self.lock:
            hit = self.pages.get(key)
        return hit[1] if hit is not None and hit[0] == generation else None

    def put(self, key, generation: int, html: str) -> None:
        with self.lock:
            self.pages[key] = (generation, html)
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


def _store() -> PageStore:
    store = current_app.extensions.get("wt_page_cache")
    if store is None:
        store = current_app.extensions["wt_page_cache"] = PageStore()
    return store


def cached_for_anonymous(view=None, *, plans: bool = False):
    """Serve the page from the cache for anonymous visitors while nothing it shows has changed. With
    `plans=True` (`@cached_for_anonymous(plans=True)`) a change to any year plan renews the page as well (a page
    that shows how many schools plan something)."""
    if view is None:
        return lambda v: cached_for_anonymous(v, plans=plans)

    @wraps(view)
    def wrapped(*args, **kwargs):
        if (not current_app.config.get("PAGE_CACHE", True) or current_user.is_authenticated
                or session.get("_flashes")):
            return view(*args, **kwargs)
        from flask_babel import get_locale

        generation = current_generations() if plans else current_generation()
        key = (request.endpoint, request.full_path, str(get_locale()))
        store = _store()
        html = store.get(key, generation) if generation is not None else None
        if html is not None:
            return current_app.response_class(html.replace(CSRF_MARKER, generate_csrf()), mimetype="text/html")
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code == 200 and response.mimetype == "text/html" and generation is not None:
            store.put(key, generation, response.get_data(as_text=True).replace(generate_csrf(), CSRF_MARKER))
        return response

    wrapped.access = getattr(view, "access", None)
    return wrapped
