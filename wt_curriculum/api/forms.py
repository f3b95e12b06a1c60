from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from .tokens import MAX_NAME


class NewTokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_NAME)])


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token: which token is revoked is in the address."""
