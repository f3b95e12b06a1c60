"""Where a form or the login may send the user next: only paths on this site."""
from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None, default: str | None = None) -> str:
    """Only same-site paths: never redirect to another host after login or a form."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return default or url_for("site.home")
