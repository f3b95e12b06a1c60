"""Display labels for the reference vocabulary (translated; the stored values stay as they are)."""
from flask_babel import lazy_gettext as _l

from .models import CrosswalkRelation, DocumentStatus, NodeKind, PhaseSystem

STATUS_LABELS = {
    DocumentStatus.CONCEPT: _l("draft"),
    DocumentStatus.FINAL_DRAFT: _l("final draft"),
    DocumentStatus.STATUTORY: _l("statutory"),
    # CASE adoptionStatus of frameworks imported from other CASE systems.
    "Draft": _l("draft"),
    "Private Draft": _l("private draft"),
    "Adopted": _l("adopted"),
    "Deprecated": _l("deprecated"),
}
PHASE_LABELS = {
    PhaseSystem.CNU: _l("curriculum.nu phases (groep 1-4, 5-8)"),
    PhaseSystem.SLO_FASE: _l("SLO phases (groep 1-3, 4-6, 7-8)"),
    PhaseSystem.END_GROEP_8: _l("end of groep 8"),
}
KIND_LABELS = {
    NodeKind.KERNDOEL: _l("kerndoel"),
    NodeKind.DOELZIN: _l("doelzin"),
    NodeKind.GRAND_TASK: _l("grote opdracht"),
    NodeKind.BUILDING_BLOCK: _l("bouwsteen"),
}
RELATION_LABELS = {
    CrosswalkRelation.EXACT: _l("exact match"),
    CrosswalkRelation.PART_OF: _l("is part of"),
    CrosswalkRelation.RELATED: _l("is related to"),
}

LABELS = {"status": STATUS_LABELS, "phase": PHASE_LABELS, "kind": KIND_LABELS, "relation": RELATION_LABELS}
