from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import SubmissionForm


class SourceForm(SubmissionForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    url = StringField(_l("Address of the OAI-PMH endpoint"), validators=[DataRequired(), Length(max=500)])
    set_spec = StringField(_l("Set (optional)"), validators=[Optional(), Length(max=200)])


class ButtonForm(FlaskForm):
    """Only the CSRF token, for buttons that change something."""
