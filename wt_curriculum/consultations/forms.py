"""Forms of consultation rounds. Every message is our own, so that it is translated."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import DutchDateField, SubmissionForm
from . import services


def _length(limit: int) -> Length:
    return Length(max=limit, message=_l("Use at most %(max)d characters."))


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        values = {value for value, *_ in self.iter_choices()}
        if any(v not in values for v in self.data or []):
            raise ValidationError(_l("Choose one of the options."))


class _Radio(RadioField):
    def pre_validate(self, form):
        if self.data in (None, "", "None"):
            self.data = None
            return
        values = {value for value, *_ in self.iter_choices()}
        if self.data not in values:
            raise ValidationError(_l("Choose one of the options."))


class RoundForm(SubmissionForm):
    title = StringField(_l("Title"), validators=[_length(services.MAX_TITLE)])
    explanation = TextAreaField(_l("Explanation"), validators=[_length(services.MAX_TEXT)])
    starts_on = DutchDateField(_l("Start date"), validators=[Optional()])
    ends_on = DutchDateField(_l("End date"), validators=[Optional()])
    audiences = _Checkboxes(_l("Who is asked to respond"), choices=[])
    scope = _Radio(_l("The round is on"), choices=[], default="goals", validate_choice=False)
    goal_codes = TextAreaField(_l("Goal codes"), validators=[_length(5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.audiences.choices = [(a.value, str(label)) for a, label in services.audience_labels().items()]
        self.scope.choices = [("draft", str(_l("all draft goals (the draft release)"))),
                              ("goals", str(_l("the goals I list below")))]


class ResponseForm(SubmissionForm):
    position = _Radio(_l("Your position"), choices=[], validate_choice=False)
    comment = TextAreaField(_l("Comment"), validators=[_length(services.MAX_TEXT)])
    proposed_title = StringField(_l("Proposed title (optional)"), validators=[_length(200)])
    proposed_description = TextAreaField(_l("Proposed description (optional)"), validators=[_length(5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.position.choices = [(p.value, str(label)) for p, label in services.position_labels().items()]


class ReplyForm(FlaskForm):
    comment = TextAreaField(_l("Your reply"), validators=[_length(services.MAX_TEXT)])


class HideForm(FlaskForm):
    reason = StringField(_l("Why is it hidden?"), validators=[_length(services.MAX_REASON)])


class AnswerForm(FlaskForm):
    answer = _Radio(_l("Answer"), choices=[], validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[_length(services.MAX_TEXT)])
    apply_wording = BooleanField(_l("Apply this wording to the goal"))
    title = StringField(_l("Title to apply"), validators=[_length(200)])
    description = TextAreaField(_l("Description to apply"), validators=[_length(5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer.choices = [(a.value, str(label)) for a, label in services.answer_labels().items()]


class CloseForm(FlaskForm):
    pass

