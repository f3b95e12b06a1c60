"""Security headers on every response; the client's address behind trusted proxies."""
import re

from flask import Flask, abort, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f]")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# No page of this app uses these browser features; nothing embedded may either.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), browsing-topics=()"
)


class TrustedProxies:
    """ProxyFix with the number of proxies from TRUSTED_PROXIES (read per request, default 0: the
    X-Forwarded-* headers are ignored, so that a client cannot choose its own address)."""

    def __init__(self, app: Flask):
        self.app = app
        self.plain = app.wsgi_app
        self.fixed: dict[int, ProxyFix] = {}

    def __call__(self, environ, start_response):
        count = int(self.app.config.get("TRUSTED_PROXIES") or 0)
        if count <= 0:
            return self.plain(environ, start_response)
        if count not in self.fixed:
            self.fixed[count] = ProxyFix(self.plain, x_for=count, x_proto=count)
        return self.fixed[count](environ, start_response)


def init_app(app: Flask) -> None:
    app.wsgi_app = TrustedProxies(app)

    @app.before_request
    def refuse_nul_characters():
        """No text a user can type contains NUL; PostgreSQL cannot store it. Refuse it up front: in the path
        (no control character at all: no URL of ours has one), the query and the form."""
        if CONTROL_CHARACTER.search(request.path):
            abort(400)
        values = list(request.args.values()) + list(request.args.keys())
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"
        ):
            values += list(request.form.values())
        if any("\x00" in value for value in values):
            abort(400)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS: browsers keep to it
            response.headers.setdefault("Strict-Transport-Security", f"max-age={app.config['HSTS_MAX_AGE']}")
        if request.endpoint != "static" and current_user.is_authenticated:
            # What a logged-in user sees is theirs: no browser or proxy keeps a copy (also over public caching).
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response
