"""Where a form or the login may send the user next: only paths on this site. Every redirect target a user
can choose (a `next` in a query or a form) goes through `safe_next`, the one place that checks it."""
from urllib.parse import urlsplit

from flask import url_for

MAX_LENGTH = 2000


def is_safe_path(target) -> bool:
    """A path on this site: starts with one '/', no scheme, no host, no backslash, no control characters
    (a CR/LF would split the Location header; a NUL cannot be stored), not absurdly long."""
    if not isinstance(target, str) or not target.startswith("/") or len(target) > MAX_LENGTH:
        return False
    if target.startswith("//") or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return False
    try:
        parts = urlsplit(target)
    except ValueError:
        return False
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str | None = None) -> str:
    """`target` when it is a path on this site, else `default` (else the home page)."""
    if is_safe_path(target):
        return target
    return default or url_for("site.home")
