"""Form helpers shared by all areas."""
import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField

NOT_SAVED = object()


def save_or_show_errors(form: FlaskForm, change):
    """One unit of work for a validated form: run `change()` (a service call), commit, and return what it
    returned; on a ValidationError roll back, show the message at its field (what was typed stays in the
    form) and return NOT_SAVED."""
    from .errors import ValidationError
    from .extensions import db

    try:
        result = change()
    except ValidationError as error:
        db.session.rollback()
        apply_domain_error(form, error)
        return NOT_SAVED
    db.session.commit()
    return result


def apply_domain_error(form: FlaskForm, error) -> None:
    """Show a service's ValidationError at its field, or at the top of the form."""
    field = getattr(form, error.details.get("field", ""), None) if error.details.get("field") else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


def new_submission_token() -> str:
    """A fresh one-time token for a create form (core.services.use_submission); a template global as well, for
    forms written in plain HTML: `<input type="hidden" name="submission" value="{{ new_submission_token() }}">`."""
    return secrets.token_urlsafe(24)


class SubmissionForm(FlaskForm):
    """A create form: it carries a one-time token, so a second submit of the same form makes no second record."""

    submission = HiddenField(default=new_submission_token)


class VersionedForm(SubmissionForm):
    """A form for a record with optimistic locking: it carries the version it was opened at (and, as a create
    form, a one-time submission token)."""

    version = HiddenField(_l("Version"))
