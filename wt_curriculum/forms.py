"""Form helpers shared by all areas."""
import secrets
from dataclasses import dataclass

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


# --- The conflict page of an edit form: what you opened, what is stored now, what you sent ------------------------


def form_values(form: FlaskForm, names: list[str]) -> dict[str, str]:
    """What the form shows for these fields, as text: a choice by its label, a checkbox as yes or no, several
    choices joined with commas."""
    from flask_babel import gettext

    values = {}
    for name in names:
        field = form[name]
        data = field.data
        if field.type == "BooleanField":
            values[name] = gettext("yes") if data else gettext("no")
            continue
        choices = getattr(field, "choices", None)
        if choices is not None:
            pairs = [tuple(c[:2]) if isinstance(c, list | tuple) else (c, c) for c in choices]
            labels = {value: str(label) for value, label in pairs}
            chosen = data if isinstance(data, list | tuple) else [data]
            text = [labels.get(v, "" if v is None else str(v)) for v in chosen]
            values[name] = ", ".join(t for t in text if t and t != "—")
            continue
        values[name] = "" if data is None else str(data)
    return values


def _serializer():
    from flask import current_app
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="opened-form")


@dataclass
class ConflictField:
    field: str
    label: str
    opened: str | None  # None: not known (the form was opened before the page carried it)
    stored: str
    sent: str

    @property
    def changed_by_other(self) -> bool:
        return self.opened is not None and self.opened != self.stored


class ConflictForm(VersionedForm):
    """An edit form whose conflict page shows, field by field, what the other person changed: the form carries
    the values it was opened with (signed, so that the page shows only what the server itself put there)."""

    opened = HiddenField()
    conflict_fields: tuple[str, ...] = ()  # the fields compared on the conflict page, in the form's order

    def remember_opened(self) -> None:
        self.opened.data = _serializer().dumps(form_values(self, list(self.conflict_fields)))

    def opened_values(self) -> dict | None:
        from itsdangerous import BadData

        try:
            values = _serializer().loads(self.opened.data or "")
        except BadData:
            return None
        return values if isinstance(values, dict) else None

    def conflict(self, stored: "ConflictForm", version) -> list[ConflictField]:
        """The fields that differ between what was opened, what `stored` (a form of the stored record) holds and
        what was sent; then the form carries the stored version, so that saving again is a deliberate choice."""
        names = list(self.conflict_fields)
        opened, now, sent = self.opened_values(), form_values(stored, names), form_values(self, names)
        rows = [ConflictField(name, str(self[name].label.text), None if opened is None else str(opened.get(name, "")),
                              now[name], sent[name])
                for name in names
                if now[name] != sent[name] or (opened is not None and opened.get(name) != now[name])]
        self.version.data = version
        self.opened.data = _serializer().dumps(now)
        return rows


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
