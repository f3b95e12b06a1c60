from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..forms import SubmissionForm
from .tokens import DEFAULT_EXPIRY_DAYS, EXPIRY_DAYS, MAX_NAME

EXPIRY_LABELS = {30: _l("30 days"), 90: _l("90 days"), 365: _l("1 year"), 730: _l("2 years")}


class NewTokenForm(SubmissionForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=MAX_NAME)])
    days = SelectField(_l("Works for"), coerce=int, default=DEFAULT_EXPIRY_DAYS,
                       choices=[(days, EXPIRY_LABELS[days]) for days in EXPIRY_DAYS])


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token: which token is revoked is in the address."""
