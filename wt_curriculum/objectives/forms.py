"""Forms of the goal framework. Every message is our own, so that it is translated."""
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import DutchDateField, SubmissionForm, VersionedForm
from ..groepen import ALL_GROEPEN
from . import services
from .models import GoalStatus


def status_labels() -> dict[str, str]:
    """A goal's status in words. With a context: packages are 'published' in other words than goals."""
    return {
        GoalStatus.DRAFT: pgettext("goal status", "draft"),
        GoalStatus.PUBLISHED: pgettext("goal status", "published"),
        GoalStatus.RETIRED: pgettext("goal status", "retired"),
    }

def _length(limit: int) -> Length:
    return Length(max=limit, message=_l("Use at most %(max)d characters."))

def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)

class ChoiceField(SelectField):
    """A select whose wrong values (typed into a request by hand) get our own translated message."""

    def process_formdata(self, valuelist):
        if valuelist:
            try:
                self.data = self.coerce(valuelist[0])
            except (ValueError, TypeError):
                self.data = None
                self.process_errors.append(_l("Choose one of the options."))

    def pre_validate(self, form):
        if self.data is None:
            return
        values = [value for value, *_ in self.iter_choices()]
        if self.data not in values:
            raise ValidationError(_l("Choose one of the options."))

class GroepenField(SelectMultipleField):
    """Groepen 1-8 as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, choices=[(g, str(g)) for g in ALL_GROEPEN], **kwargs)

    def process_formdata(self, valuelist):
        try:
            self.data = [int(v) for v in valuelist]
        except ValueError:
            self.data = []
            self.process_errors.append(_l("Groepen are 1 to 8."))

    def pre_validate(self, form):
        if any(g not in ALL_GROEPEN for g in self.data or []):
            raise ValidationError(_l("Groepen are 1 to 8."))

class DomainForm(SubmissionForm):
    code = StringField(_l("Code"), validators=[
        DataRequired(_l("Enter a code.")),
        Regexp(r"^[A-Z]{2,4}$", message=_l("A domain code is 2 to 4 capital letters, e.g. MN."))])
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")), _length(services.MAX_TITLE)])
    description = TextAreaField(_l("Description"), validators=[_length(services.MAX_DESCRIPTION)])

class StrandForm(SubmissionForm):
    domain_id = ChoiceField(_l("Domain"), coerce=_optional_int, validators=[DataRequired(_l("Choose a domain."))])
    code = StringField(_l("Code"), validators=[
        DataRequired(_l("Enter a code.")),
        Regexp(r"^[A-Z]{2,4}\.[1-9][0-9]{0,2}$",
               message=_l("A strand code is the domain code, a dot and a number, e.g. %(example)s.", example="MN.1"))])
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")), _length(services.MAX_TITLE)])
    description = TextAreaField(_l("Description"), validators=[_length(services.MAX_DESCRIPTION)])
    source_code = StringField(_l("curriculum.nu code"), validators=[_length(services.MAX_SOURCE)])

class GoalForm(VersionedForm):
    domain_id = ChoiceField(_l("Domain"), coerce=_optional_int, validators=[DataRequired(_l("Choose a domain."))])
    strand_id = ChoiceField(_l("Strand"), coerce=_optional_int, validators=[DataRequired(_l("Choose a strand."))])
    code = StringField(_l("Code"), validators=[
        DataRequired(_l("Enter a code.")),
        Regexp(r"^[A-Z]{2,4}\.[1-9][0-9]{0,2}\.[1-9][0-9]{0,2}$",
               message=_l("A goal code is the strand code, a dot and a number, e.g. %(example)s.",
                          example="MN.7.4"))])
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")), _length(services.MAX_TITLE)])
    description = TextAreaField(_l("Description"), validators=[_length(services.MAX_DESCRIPTION)])
    groepen = GroepenField(_l("Groepen"))
    keywords = StringField(_l("Keywords"), validators=[_length(services.MAX_KEYWORDS)])
    source_code = StringField(_l("curriculum.nu code"), validators=[_length(services.MAX_SOURCE)])
    note = StringField(_l("Change note"), validators=[_length(services.MAX_NOTE)])

    def validate_groepen(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one groep."))

    def set_choices(self, domains, strands) -> None:
        self.domain_id.choices = [(d.id, f"{d.code} · {d.title}") for d in domains]
        # Strands grouped by domain (optgroups), so the choice reads well without script.
        names = {d.id: f"{d.code} · {d.title}" for d in domains}
        by_domain: dict[str, list] = {}
        for s in strands:
            by_domain.setdefault(names.get(s.domain_id, ""), []).append((s.id, f"{s.code} · {s.title}"))
        self.strand_id.choices = by_domain

    def data_for_service(self) -> services.GoalData:
        return services.GoalData(
            code=self.code.data or "", domain_id=self.domain_id.data, strand_id=self.strand_id.data,
            title=self.title.data or "", description=self.description.data or "", groepen=self.groepen.data or [],
            keywords=self.keywords.data or "", source_code=self.source_code.data or "")

class NoteForm(VersionedForm):
    """Publish a goal: a change note, and the version the editor saw."""

    note = StringField(_l("Change note"), validators=[DataRequired(_l("Describe the change in a few words.")),
                                                      _length(services.MAX_NOTE)])

class RetireForm(NoteForm):
    replaced_by = StringField(_l("Replaced by (code of a published goal, optional)"), validators=[
        Optional(), _length(30)])

class RestoreForm(VersionedForm):
    note = StringField(_l("Change note"), validators=[_length(services.MAX_NOTE)])

class MoveForm(FlaskForm):
    direction = ChoiceField(_l("Direction"), choices=[("up", _l("up")), ("down", _l("down"))],
                            validators=[DataRequired(_l("Choose up or down."))], coerce=str)
    position = HiddenField()  # the goal's position on the page the editor clicked (a second click: 409)

class ReleaseForm(SubmissionForm):
    version_label = StringField(_l("Version"), validators=[
        DataRequired(_l("Enter a version, e.g. 2026.2.")),
        Regexp(r"^[0-9]{4}\.[0-9]{1,3}$", message=_l("A version is a year, a dot and a number, e.g. 2026.2."))])
    published_on = DutchDateField(_l("Date of publication"),
                                  validators=[DataRequired(_l("Enter the date of publication."))])
    note = StringField(_l("Note"), validators=[_length(services.MAX_NOTE)])

class FilterForm(FlaskForm):
    """The framework page's filters: read from the query string, never trusted."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[_length(200)])
    domain = ChoiceField(_l("Domain"), coerce=str, validators=[Optional()])
    groep = ChoiceField(_l("Groep"), coerce=_optional_int, validators=[Optional()])
    status = ChoiceField(_l("Status"), coerce=str, validators=[Optional()])

    def set_choices(self, domains, editor: bool) -> None:
        self.domain.choices = [("", _l("All domains"))] + [(d.code, f"{d.code} · {d.title}") for d in domains]
        self.groep.choices = [(None, _l("All groepen"))] + [(g, _l("groep %(n)s", n=g)) for g in ALL_GROEPEN]
        self.status.choices = [("", _l("Every status"))] + list(status_labels().items())
        if not editor:
            del self.status

    def filters(self) -> services.FrameworkFilters:
        """The valid filters; a field with an error counts as not filled in."""
        def good(f):
            return f.data if f is not None and not f.errors and f.data not in ("", None) else None

        return services.FrameworkFilters(
            domain=good(self.domain), groep=good(self.groep),
            status=good(getattr(self, "status", None)), q=(good(self.q) or "")[:200])


class DecideForm(FlaskForm):
    """Approve or reject a change waiting for a second editor (four-eyes publishing)."""

    decision = SelectField(choices=[("approve", "approve"), ("reject", "reject")], validate_choice=True)
