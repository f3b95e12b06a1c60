"""Security headers on every response."""
from flask import Flask, abort, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        """No text a user can type contains NUL; PostgreSQL cannot store it. Refuse it up front: in the path
        (no control character at all: no URL of ours has one), the query and the form."""
        if any(ord(c) < 32 or ord(c) == 127 for c in request.path):
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
        return response
