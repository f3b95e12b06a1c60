from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from .labels import RELATION_LABELS
from .models import CrosswalkRelation


class CrosswalkLinkForm(FlaskForm):
    """Link a goal to a reference node; the service checks that the node exists and is not linked yet."""

    framework = SelectField(_l("Reference framework"), choices=[], validate_choice=False)
    node = StringField(_l("Code or UUID"), validators=[InputRequired(_l("Enter a code or UUID.")), Length(max=60)])
    relation = SelectField(_l("Relation"), default=CrosswalkRelation.RELATED,
                           choices=[(r.value, label) for r, label in RELATION_LABELS.items()])


class LinkActionForm(FlaskForm):
    """Remove a link, or confirm the replacement SLO proposes for it."""

    link_id = HiddenField()


class SloUploadForm(FlaskForm):
    """One JSON file of SLO's open data (github.com/slonl/curriculum-*, data/*.json)."""

    file = FileField(_l("JSON file of SLO's open data (at most 20 MB)"),
                     validators=[FileRequired(_l("Choose a file."))])
