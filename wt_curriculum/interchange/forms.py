from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField


class UploadForm(FlaskForm):
    file = FileField(_l("File (CSV or Excel .xlsx, at most 5 MB)"))


class ConfirmForm(FlaskForm):
    """The confirmation carries only the token of the file kept on the server (and the CSRF token)."""

    token = HiddenField()
