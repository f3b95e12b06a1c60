"""Forms of the network and school administration."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import ConflictForm
from .provinces import PROVINCES


def optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class NetworkForm(ConflictForm):
    conflict_fields = ("code", "name", "region")
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=100)])


class SchoolForm(ConflictForm):
    conflict_fields = ("name", "brin", "vestiging", "place", "network_id")
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    brin = StringField(_l("BRIN code"), validators=[DataRequired(), Length(max=4)])
    vestiging = StringField(_l("Vestiging number"), default="00", validators=[Optional(), Length(max=2)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=100)])
    province = SelectField(_l("Province"), choices=[("", "—")] + [(p.code, p.name) for p in PROVINCES],
                           validators=[Optional()], default="")
    network_id = SelectField(_l("Network"), coerce=optional_int, validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField(_l("File (CSV or Excel .xlsx)"))
    content = HiddenField()  # the previewed file, carried to the confirmation step
