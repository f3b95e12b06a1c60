"""Forms of the year plans."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import DutchDateField, SubmissionForm, VersionedForm
from ..groepen import ALL_GROEPEN
from ..organisations.forms import optional_int


class AddPlanForm(SubmissionForm):
    package_id = SelectField(_l("Lesson package"), coerce=optional_int, validators=[DataRequired()])
    groep = SelectField(_l("Groep"), choices=[(str(g), str(g)) for g in ALL_GROEPEN])
    period = StringField(_l("Period or week (optional)"), validators=[Optional(), Length(max=20)])


class PlanEntryForm(VersionedForm):
    period = StringField(_l("Period or week (optional)"), validators=[Optional(), Length(max=20)])
    taught_on = DutchDateField(_l("Taught on (leave empty when not yet taught)"), validators=[Optional()])


class CopyPlanForm(FlaskForm):
    from_year = SelectField(_l("Copy from school year"))
    to_year = SelectField(_l("Into school year"))


class ExperienceForm(SubmissionForm):
    """An experience with a package: the groep (one the school taught it in), a rating 1-5, a short text."""

    groep = SelectField(_l("Groep"), validate_choice=False)
    rating = SelectField(_l("Rating"), choices=[(str(n), str(n)) for n in range(5, 0, -1)], validate_choice=False)
    text = TextAreaField(_l("Your experience (short, no names of pupils)"),
                         validators=[Optional(), Length(max=500, message=_l("At most %(max)d characters."))])


class ModerateForm(FlaskForm):
    """Approve or reject an experience: only the CSRF token."""
