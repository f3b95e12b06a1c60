"""Forms of the lessons area: the package form (with the goal picker's fields), uploads, picking."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms import ValidationError as FormValidationError
from wtforms.validators import InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from ..errors import ValidationError
from ..forms import SubmissionForm, VersionedForm
from ..groepen import ALL_GROEPEN
from ..numbers import whole_or_none
from .services import LICENCE_LABELS, MAX_LESSONS, MAX_MINUTES, MIN_MINUTES, parse_links


class WholeNumberField(IntegerField):
    """An IntegerField whose 'not a number' message is ours (translated), keeping what was typed."""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a whole number.")) from None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        try:
            self.data = [self.coerce(v) for v in valuelist]
        except ValueError:
            self.data = []
            raise ValueError(_l("Choose groepen from the list.")) from None

    def pre_validate(self, form):
        allowed = {value for value, _ in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise FormValidationError(_l("Choose groepen from the list."))


def _links(form, field):
    try:
        parse_links(field.data or "")
    except ValidationError as error:
        raise FormValidationError(error.message) from None


class PackageForm(VersionedForm):
    title = StringField(_l("Title"), validators=[
        InputRequired(_l("Give the package a title.")), Length(max=200, message=_l("At most %(max)d characters."))])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=500, message=_l("At most %(max)d characters."))])
    description = TextAreaField(_l("Description"), validators=[
        Length(max=20000, message=_l("At most %(max)d characters."))])
    groepen = MultiCheckboxField(_l("Groepen"), coerce=int, choices=[(g, str(g)) for g in ALL_GROEPEN],
                                 validators=[InputRequired(_l("Choose at least one groep (1 to 8)."))])
    lesson_count = WholeNumberField(_l("Number of lessons"), default=1, validators=[
        InputRequired(_l("Enter the number of lessons.")),
        NumberRange(1, MAX_LESSONS, _l("The number of lessons is between %(min)s and %(max)s."))])
    minutes_per_lesson = WholeNumberField(_l("Minutes per lesson"), default=45, validators=[
        InputRequired(_l("Enter the minutes per lesson.")),
        NumberRange(MIN_MINUTES, MAX_MINUTES, _l("Minutes per lesson are between %(min)s and %(max)s."))])
    materials = TextAreaField(_l("Materials"), validators=[Length(max=5000, message=_l("At most %(max)d characters."))])
    keywords = StringField(_l("Keywords"), validators=[Length(max=500, message=_l("At most %(max)d characters."))])
    authors = StringField(_l("Authors"), validators=[Length(max=500, message=_l("At most %(max)d characters."))])
    licence = SelectField(_l("Licence"), choices=[(value.value, text) for value, text in LICENCE_LABELS.items()],
                          validate_choice=False)
    links = TextAreaField(_l("Links"), validators=[_links])
    network_id = SelectField(_l("Network"), coerce=lambda v: whole_or_none(str(v), 1),
                             validate_choice=False)
    groepen_reason = StringField(_l("Why do the groepen differ from those of the main aim?"),
                                 validators=[Length(max=500, message=_l("At most %(max)d characters."))])
    note = StringField(_l("What did you change? (for the history)"),
                       validators=[Length(max=500, message=_l("At most %(max)d characters."))])
    goal_query = StringField(_l("Find learning goals by code or words"),
                             validators=[Length(max=200, message=_l("At most %(max)d characters."))])


class AttachmentForm(SubmissionForm):
    file = FileField(_l("File"))


class StatusForm(FlaskForm):
    """Publish or withdraw: only the CSRF token and an optional note."""

    note = StringField(_l("Note (for the history)"), validators=[Length(max=500)])
