from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import InputRequired, Length
from wtforms.validators import ValidationError as WTFormsValidationError

from ..forms import SubmissionForm, VersionedForm
from ..numbers import whole_or_none
from ..objectives.forms import ChoiceField, GroepenField
from .labels import RELATION_LABELS
from .models import CrosswalkRelation


class CrosswalkLinkForm(SubmissionForm):
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


def _domain_id(value):
    return whole_or_none(value, 1)


class AdoptForm(VersionedForm):
    """Take over a node of a reference framework as strands and draft goals: preview first, then confirm."""

    node = StringField(_l("Code of the node"), validators=[InputRequired(_l("Enter the code of a node.")),
                                                           Length(max=60)])
    domain = ChoiceField(_l("Into domain"), coerce=_domain_id, choices=[], validate_choice=False)
    groepen = GroepenField(_l("Groepen"))
    digest = HiddenField()

    def validate_groepen(self, field):
        if not field.data:
            raise WTFormsValidationError(_l("Choose at least one groep."))
