"""How API answers are shaped: the page envelope with Link headers, and conditional (ETag) answers."""
import hashlib
from datetime import datetime
from urllib.parse import urlencode, urljoin

from flask import jsonify, request

from ..core.urls import base_url


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def _page_url(page: int, per_page: int) -> str:
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
    args.update(page=page, per_page=per_page)
    return f"{urljoin(base_url(), request.path.lstrip('/'))}?{urlencode(args)}"  # WT_BASE_URL, not the Host


def paged(items: list, page: int, per_page: int, total: int):
    """{"items", "page", "per_page", "total", "pages"} with a Link header (first, prev, next, last)."""
    pages = page_count(total, per_page)
    response = jsonify({"items": items, "page": page, "per_page": per_page, "total": total, "pages": pages})
    links = [(1, "first")]
    if page > 1:
        links.append((min(page - 1, pages), "prev"))
    if page < pages:
        links.append((page + 1, "next"))
    links.append((pages, "last"))
    response.headers["Link"] = ", ".join(f'<{_page_url(p, per_page)}>; rel="{rel}"' for p, rel in links)
    return response


def page_of(items: list, page: int, per_page: int):
    """The page envelope for a list that is already complete in memory (a framework of some hundred goals)."""
    start = (page - 1) * per_page
    return paged(items[start:start + per_page], page, per_page, len(items))


def conditional(response, last_modified: datetime | None):
    """Give the answer an ETag (hash of its body) and Last-Modified; 304 when the client has it already.

    The body can differ per viewer (editors see drafts), so caches must keep them apart.
    """
    body = response.get_data()
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Cookie", "Authorization"))
    return response.make_conditional(request)


