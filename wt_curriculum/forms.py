"""Form helpers shared by all areas."""
import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField

from .dates import parse_date

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
    """Show a service's error at its field, or at the top of the form: every problem of a ValidationError
    (errors.Problems), each once."""
    problems = getattr(error, "problems", None) or [(error.details.get("field"), error.message)]
    for name, message in problems:
        field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            if message not in field.errors:
                field.errors = list(field.errors) + [message]
        elif message not in form.form_errors:
            form.form_errors.append(message)


def add_unmarked_problems(form: FlaskForm, check) -> None:
    """The form's own validators failed: also run the service's `check()` (which raises errors.ValidationError)
    and show its problems at the fields the form did not mark already, so that the user sees everything at
    once instead of the service's problems only after fixing the form's."""
    from .errors import DomainError, ValidationError

    try:
        check()
    except ValidationError as error:
        for name, message in error.problems:
            field = getattr(form, name, None) if name else None
            if field is not None and hasattr(field, "errors"):
                if not field.errors:
                    field.errors = [message]
            elif message not in form.form_errors:
                form.form_errors.append(message)
    except (DomainError, TypeError, ValueError, AttributeError):
        pass  # half-filled data the check cannot read: the form's own messages say enough


def validate_all(form: FlaskForm, check) -> bool:
    """`form.validate_on_submit()`; when a sent form fails its own validators, the service's `check()` runs as
    well (add_unmarked_problems), so that a form reports every problem at once, not in stages."""
    if form.validate_on_submit():
        return True
    if form.is_submitted():
        add_unmarked_problems(form, check)
    return False


class VersionedForm(FlaskForm):
    """A form for a record with optimistic locking: it carries the version it was opened at."""

    version = HiddenField(_l("Version"))
    # A create form's one-time token (core.services.use_submission): a second submit makes no second record.
    submission = HiddenField(default=lambda: secrets.token_urlsafe(24))


class DutchDateField(DateField):
    """A date field (a date picker in the browser) that also accepts a typed 31-12-2026 besides 2026-12-31;
    a date it cannot read gets a translated message."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = message or _l("Enter a date like 31-12-2026 or 2026-12-31.")

    def process_formdata(self, valuelist):
        if not valuelist or not "".join(valuelist).strip():
            self.data = None
            return
        try:
            self.data = parse_date(" ".join(valuelist))
        except ValueError:
            self.data = None
            raise ValueError(self.invalid_message) from None
