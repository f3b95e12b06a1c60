"""Domain errors raised by services, and friendly error pages in the user's language."""
from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain was broken; `message` is shown to the user."""

    status_code = 400

    def __init__(self, message, **details):
        super().__init__(str(message))
        self.message = message
        self.details = details


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    """Someone else changed the record first, or the change clashes with existing data."""

    status_code = 409


class ValidationError(DomainError):
    """What was entered breaks a rule. `problems` lists every (field or None, message) found, so that a form
    shows them all at once; `message` (and `details["field"]`) is the first, or all of them joined."""

    status_code = 400

    def __init__(self, message, problems=None, **details):
        super().__init__(message, **details)
        self.problems = list(problems) if problems else [(details.get("field"), message)]


class Problems:
    """Collects the problems of one form or record, so that the user sees them all at once, not one per try.

        problems = Problems()
        if not title: problems.add(_("Enter a title."), "title")
        code = problems.check(clean_code, data.code)   # a check that raises ValidationError: its problems
        problems.raise_any()                           # one ValidationError holding every problem, if any
    """

    def __init__(self):
        self.items: list[tuple[str | None, object]] = []

    def add(self, message, field: str | None = None) -> None:
        self.items.append((field, message))

    def check(self, function, *args, default=None, **kwargs):
        """`function(*args)`'s answer; when it raises ValidationError, its problems are kept and `default`
        returned."""
        try:
            return function(*args, **kwargs)
        except ValidationError as error:
            self.items.extend(error.problems)
            return default

    def has(self, field: str) -> bool:
        return any(f == field for f, _ in self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_any(self) -> None:
        if not self.items:
            return
        field, message = self.items[0]
        if len(self.items) > 1:
            message = " ".join(str(m) for _, m in self.items)
        raise ValidationError(message, problems=self.items, **({"field": field} if field else {}))


TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please log in"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    409: _l("Someone else changed this first"),
    413: _l("The file is too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
}

EXPLANATIONS = {
    400: _l("Check what you entered and try again."),
    401: _l("Log in to see this page."),
    403: _l("Your account has no permission for this page. Ask your administrator if you think it should."),
    404: _l("The page you asked for does not exist, or has been removed."),
    405: _l("Use the buttons and links on the pages."),
    409: _l("Reload the page to see the latest version, then make your change again."),
    413: _l("Upload a smaller file."),
    429: _l("Wait a moment and try again."),
    500: _l("The error has been logged. Try again in a moment."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/ims/")


def error_response(status: int, message: str, **details):
    """The one error shape of the JSON API and the CASE binding: {"error": {"status": 404, "message": "..."}}."""
    body = {"error": {"status": status, "message": message}}
    if details:
        body["error"]["details"] = details
    return jsonify(body), status


def render_error(status: int, message=None):
    if wants_json():
        return error_response(status, str(message or TITLES.get(status, TITLES[500])))
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=TITLES.get(status, TITLES[500]),
            explanation=message or EXPLANATIONS.get(status, EXPLANATIONS[500]),
        ),
        status,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        response = make_response(render_error(error.code or 500))
        # What the exception says about the answer stays: `Allow` on a 405, `Retry-After`, `WWW-Authenticate`.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(StaleDataError)
    def lost_race(error: StaleDataError):
        # Two requests changed one versioned record at once; the other one won. Not a server error.
        from .extensions import db

        db.session.rollback()
        return render_error(409, _l("Someone else changed this at the same moment. Reload the page to see "
                                    "the latest version, then make your change again."))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _l("The form had expired. Go back, reload the page and try again."))

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        # The failed change may have left the session unusable (e.g. a lost optimistic-lock race):
        # end it before the error page reads the current user.
        from .extensions import db

        db.session.rollback()
        return render_error(error.status_code, error.message)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        from .extensions import db

        db.session.rollback()
        return render_error(500)
