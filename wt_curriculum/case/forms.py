"""Forms of the CASE pages: upload a package, follow another server's package, act on a mirror."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import InputRequired, Length


class PackageUploadForm(FlaskForm):
    file = FileField(_l("CASE package (JSON, CASE 1.0 or 1.1, at most 20 MB)"),
                     validators=[FileRequired(_l("Choose a file."))])


class MirrorForm(FlaskForm):
    url = StringField(_l("Address of the package"), validators=[
        InputRequired(_l("Enter the address of a CASE package.")), Length(max=500)])


class MirrorActionForm(FlaskForm):
    """Remove a mirror, or fetch it now (the CSRF token only)."""
