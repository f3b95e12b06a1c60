"""Public addresses: links in e-mails, CASE URIs and OAI identifiers are built from BASE_URL (`WT_BASE_URL`),
never from the request's Host header, which a client chooses."""
from urllib.parse import urljoin

from flask import current_app, url_for


def base_url() -> str:
    """The site's public address with a trailing slash (BASE_URL; http://127.0.0.1:5000/ when unset)."""
    base = current_app.config.get("BASE_URL") or "http://127.0.0.1:5000/"
    return base if base.endswith("/") else base + "/"


def public_url(endpoint: str, **values) -> str:
    """The absolute public URL of an endpoint, whatever Host the current request named."""
    path = url_for(endpoint, _external=False, **values)
    return urljoin(base_url(), path.lstrip("/"))
