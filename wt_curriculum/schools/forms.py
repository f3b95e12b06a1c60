from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import VersionedForm
from ..groepen import ALL_GROEPEN


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class NetworkForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])


class SchoolForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    brin = StringField(_l("BRIN code"), validators=[DataRequired(), Length(max=4)])
    vestiging = StringField(_l("Vestiging number"), default="00", validators=[Optional(), Length(max=2)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=100)])
    network_id = SelectField(_l("Network"), coerce=_optional_int, validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"))
    content = HiddenField()  # the previewed file, carried to the confirmation step


class AddPlanForm(FlaskForm):
    package_id = SelectField(_l("Lesson package"), coerce=_optional_int, validators=[DataRequired()])
    groep = SelectField(_l("Groep"), choices=[(str(g), str(g)) for g in ALL_GROEPEN])
    period = StringField(_l("Period or week (optional)"), validators=[Optional(), Length(max=20)])


class PlanEntryForm(VersionedForm):
    period = StringField(_l("Period or week (optional)"), validators=[Optional(), Length(max=20)])
    taught_on = DateField(_l("Taught on (leave empty when not yet taught)"), validators=[Optional()])


class CopyPlanForm(FlaskForm):
    from_year = SelectField(_l("Copy from school year"))
    to_year = SelectField(_l("Into school year"))
