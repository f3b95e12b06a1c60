"""Report PDFs made once and served from the file store until something they show changes.

A PDF's key is made of the report, its parameters, the language, the print date (every PDF says when it was
printed) and the content generations (core/page_cache.py): the public counter, raised by every change to
goals, packages, schools, networks and the crosswalk, and the plans counter, raised by every change to a
year plan. Any such change gives every report a new key, so a stale PDF is never served; the old files
expire in the file store by themselves. The page count of the last PDF of the same report and parameters
is kept too, as the estimate for the next one's progress bar.
"""
import hashlib
import json

from ..core import file_store
from ..core.page_cache import current_generations
from ..numbers import whole_or_none
from . import rendering


def _digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:40]


def pdf_key(report: str, params: dict, language: str) -> str:
    return "pdf-" + _digest(report, params, language, rendering.today().isoformat(), current_generations())


def cached_pdf(key: str) -> bytes | None:
    return file_store.get(key)


def store_pdf(key: str, data: bytes) -> None:
    file_store.put(key, data)


def remember_pages(report: str, params: dict, pages: int) -> None:
    file_store.put("pages-" + _digest(report, params), str(pages).encode())


def remembered_pages(report: str, params: dict) -> int | None:
    data = file_store.get("pages-" + _digest(report, params))
    return whole_or_none(data.decode("ascii", "replace")) if data else None
