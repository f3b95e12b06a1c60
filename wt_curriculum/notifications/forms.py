"""Forms of the inbox and the mail settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import ValidationError

from . import services


class SettingsForm(FlaskForm):
    mail = RadioField(_l("E-mail"), choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mail.choices = [(value.value, str(label)) for value, label in services.mail_choice_labels().items()]

    def validate_mail(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose one of the options."))


class PlainForm(FlaskForm):
    """A button only (CSRF)."""
