"""The blueprint of the read-only JSON API under /api/v1, on which every resource module registers its routes.

This module holds what every resource shares: the one error shape (handlers
registered once, here), CORS for the public reads, and the personal API
tokens (`Authorization: Bearer <token>`), which count on /api/ paths only.
"""
from flask import Blueprint, current_app, request
from werkzeug.exceptions import HTTPException

from ..errors import TITLES, DomainError, error_response
from ..extensions import db, login_manager
from . import models  # noqa: F401  (registers ApiToken with the mappers and Alembic)
from .tokens import TOKEN_METHODS, user_for_secret

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    if error.code and error.code < 400:
        return error
    return _with_challenge(error_response(error.code or 500, str(TITLES.get(error.code, TITLES[500]))))


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    db.session.rollback()
    return _with_challenge(error_response(error.status_code, str(error.message), **error.details))


def _with_challenge(result):
    response, status = result
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="wt_curriculum"'
    return response, status


@bp.after_request
def cors_for_public_reads(response):
    """Anyone's browser may read the public endpoints; coverage and the token pages stay same-site."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "access", None) == "public" and request.method in ("GET", "HEAD", "OPTIONS"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link"
    return response


@login_manager.request_loader
def user_from_token(req):
    """`Authorization: Bearer <token>` logs a request in, on /api/ paths only (never on the HTML pages)."""
    if not req.path.startswith("/api/") or req.method not in TOKEN_METHODS:
        return None  # tokens read: a token never counts for a request that could change something
    scheme, _, secret = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    user = user_for_secret(db.session, secret.strip())
    db.session.commit()  # keeps last_used_at; nothing else is pending this early in the request
    return user
