"""The account form of the administrator, which picks the school or the network of an account."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..auth.forms import ROLE_LABELS
from ..forms import ConflictForm
from ..groepen import ALL_GROEPEN
from ..lessons.forms import MultiCheckboxField
from ..organisations.forms import optional_int


class UserForm(ConflictForm):
    """New account (the one-time submission token) or an account opened at a version (optimistic locking)."""

    conflict_fields = ("email", "name", "role", "school_id", "network_id", "groepen", "active")

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])
    school_id = SelectField(_l("School (for coordinators and teachers)"), coerce=optional_int, validators=[Optional()])
    network_id = SelectField(_l("Network (for network coordinators)"), coerce=optional_int, validators=[Optional()])
    groepen = MultiCheckboxField(_l("Own groepen (for teachers)"), coerce=int,
                                 choices=[(g, str(g)) for g in ALL_GROEPEN])
    active = BooleanField(_l("Can log in"), default=True)
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=200)])
