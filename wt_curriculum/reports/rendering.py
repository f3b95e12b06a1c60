"""One Jinja template per report, rendered as an HTML page or, through WeasyPrint, as a PDF.

WeasyPrint may only read our own static files: the url_fetcher maps `/static/...` on a fixed internal
base address to the static folder and refuses everything else (file://, data:, any outside address), so
a report can never make the server read a local file or call out to the network.
"""
import logging
import re
import threading
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import format_date, format_decimal, format_percent
from werkzeug.security import safe_join

from ..groepen import ALL_GROEPEN
from ..groepen import label as groepen_label
from ..planning import heatmap
from ..schoolyears import format_school_year

# Relative links in a report (url_for gives /static/...) resolve against this address, which exists only
# for the url_fetcher below.
BASE_URL = "http://report.invalid/"
MIME_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}


class RefusedFetch(ValueError):
    pass


class StaticOnlyFetcher:
    """Serve our own static files to WeasyPrint, read from the static folder; refuse anything else.

    WeasyPrint 70 expects a `weasyprint.urls.URLFetcher`; the class is made on first use so that
    importing this module does not load WeasyPrint."""

    _class = None

    @classmethod
    def make(cls, static_folder: str):
        if cls._class is None:
            from weasyprint.urls import URLFetcher, URLFetcherResponse

            class _Fetcher(URLFetcher):
                def __init__(self, folder):
                    super().__init__(allowed_protocols=("http",), allow_redirects=False)
                    self.folder = folder

                def fetch(self, url, headers=None):
                    path, mime_type = resolve_static(self.folder, url)
                    return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": mime_type})

            cls._class = _Fetcher
        return cls._class(static_folder)


def resolve_static(folder: str, url: str) -> tuple[str, str]:
    """The file in `folder` that a report URL names, with its type; RefusedFetch for anything else."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith("/static/"):
        raise RefusedFetch(f"report may not fetch {url[:200]}")
    path = safe_join(folder, unquote(parts.path[len("/static/"):]))
    suffix = Path(path).suffix.lower() if path else ""
    if path is None or suffix not in MIME_TYPES or not Path(path).is_file():
        raise RefusedFetch(f"no report resource {parts.path[:200]}")
    return path, MIME_TYPES[suffix]


def today() -> date:
    """The print date, in the app's time zone (tests replace this function to fix the date)."""
    return datetime.now(ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam"))).date()


def percent(share: float) -> str:
    return format_percent(share, format="#,##0%")


def helpers(pdf: bool) -> dict:
    return {
        "pdf": pdf,
        "layout": "reports/_document.html" if pdf else "base.html",
        "printed_on": format_date(today(), format="long"),
        "percent": percent,
        "format_decimal": format_decimal,
        "groepen_label": groepen_label,
        "school_year": format_school_year,
        "ALL_GROEPEN": ALL_GROEPEN,
        **heatmap.template_globals(),
    }


def render_html(template: str, **context) -> str:
    return render_template(template, **helpers(False), **context)


def render_pdf(template: str, **context) -> bytes:
    """The same template as the HTML page, laid out for A4 by print.css, as PDF bytes."""
    return render_pdf_pages(template, **context)[0]


def render_pdf_pages(template: str, progress: Callable[[int], None] | None = None, **context) -> tuple[bytes, int]:
    """As render_pdf, and the number of pages; `progress(pages)` is called as each page is laid out (it may
    raise to stop the work, e.g. when the job was cancelled)."""
    with _pages_reported_to(progress):
        document = render_document(template, **context)
    return document.write_pdf(), len(document.pages)


def render_document(template: str, **context):
    """The report laid out by WeasyPrint (a `weasyprint.Document`: its pages and boxes), before it is written
    as PDF; the layout test (tests/reports/test_pdf_layout.py) reads its boxes."""
    from weasyprint import HTML  # imported here: loading WeasyPrint takes a moment, pages need not wait

    html = render_template(template, **helpers(True), **context)
    fetcher = StaticOnlyFetcher.make(current_app.static_folder)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()


# WeasyPrint announces every page it lays out on its progress logger ("Step 5 - Creating layout - Page 7").
# A filter on that logger sees each announcement in the thread that renders, so it can tell that thread's
# job how far it is; it drops the records, so nothing reaches the logs.
_listeners: dict[int, Callable[[int], None]] = {}
_PAGE = re.compile(r"Creating layout - Page (\d+)")


class _PageCounter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        listener = _listeners.get(threading.get_ident())
        if listener is not None:
            found = _PAGE.search(record.getMessage())
            if found:
                listener(int(found.group(1)))
        return False


@contextmanager
def _pages_reported_to(progress: Callable[[int], None] | None):
    if progress is None:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    if not any(isinstance(f, _PageCounter) for f in logger.filters):
        logger.addFilter(_PageCounter())
        logger.setLevel(logging.INFO)  # WeasyPrint logs progress at INFO: below that, no record is made
    _listeners[threading.get_ident()] = progress
    try:
        yield
    finally:
        _listeners.pop(threading.get_ident(), None)
