"""/consultations and their responses (with the access rules of the pages), and /releases/{old}...{new}: the
release notes between two framework versions, read through the consultations area's services."""
from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.permissions import is_editor, login_required, public
from ..consultations import release_notes
from ..consultations import services as consultations
from ..consultations.models import Answer, Audience, Position
from ..errors import NotFound
from ..extensions import db
from ..numbers import MAX_ID
from . import schemas
from .blueprint import bp
from .responses import page_of
from .spec import PAGING, Param, operation, parse_query

INT, STR = schemas.INT, schemas.STR
NULL_STR = {"type": ["string", "null"]}
DATE = {"type": "string", "format": "date"}
TIME = {"type": "string", "format": "date-time"}
# The schemas of this module's answers, added to the document's components.
schemas.SCHEMAS.update({
    "Consultation": schemas._obj({
        "id": INT, "title": STR, "explanation": STR, "starts_on": DATE, "ends_on": DATE,
        "audiences": {"type": "array", "items": {"type": "string", "enum": [a.value for a in Audience]}},
        "state": {"type": "string", "enum": ["planned", "open", "closed", "done"]},
        "goal_count": INT, "response_count": INT, "unanswered": INT,
    }),
    "ConsultationResponse": schemas._obj({
        "id": INT, "goal": NULL_STR, "parent_id": {"type": ["integer", "null"]},
        "author": schemas._obj({"name": STR, "role": STR, "organisation": STR, "network": STR}),
        "position": {"type": ["string", "null"], "enum": [p.value for p in Position] + [None]},
        "comment": STR, "proposed_title": STR, "proposed_description": STR,
        "created_at": TIME, "updated_at": TIME,
        "answer": {"type": ["string", "null"], "enum": [a.value for a in Answer] + [None]},
        "answer_reason": STR,
    }),
    "ReleaseNotes": schemas._obj({
        "old": STR, "new": STR,
        "added": {"type": "array", "items": schemas._obj({"code": STR, "title": STR, "status": schemas.GOAL_STATUS})},
        "changed": {"type": "array", "items": schemas._obj({
            "code": STR, "title": STR,
            "changes": {"type": "array", "items": schemas._obj({"field": STR, "old": STR, "new": STR})}})},
        "moved": {"type": "array", "items": schemas._obj({"code": STR, "title": STR, "old_strand": STR,
                                                          "new_strand": STR})},
        "retired": {"type": "array", "items": schemas._obj({"code": STR, "title": STR, "replaced_by": NULL_STR})},
    }),
})

ROUND_ID = Param("round_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                 _l("The consultation round's id."), where="path", example=1)
OLD = Param("old", {"type": "string", "maxLength": 40}, _l("The older version, e.g. 2026.1."), where="path",
            example="2026.1")
NEW = Param("new", {"type": "string", "maxLength": 40},
            _l("The newer version, or concept: the framework as it stands now (editors only)."), where="path",
            example="2026.2")


def _round(row: consultations.RoundRow) -> dict:
    r = row.round
    return {"id": r.id, "title": r.title, "explanation": r.explanation, "starts_on": r.starts_on.isoformat(),
            "ends_on": r.ends_on.isoformat(), "audiences": r.audiences, "state": row.state,
            "goal_count": row.goal_count, "response_count": row.response_count, "unanswered": row.unanswered}


@bp.route("/consultations")
@login_required
@operation(summary=_l("Consultation rounds"), params=PAGING, response=schemas.ref("Consultation"), paged=True,
           auth=True, tag="consultations",
           description=_l("The consultation rounds you may see: editors all of them, everyone else the rounds for "
                          "their role that have started."))
def consultation_list():
    args = parse_query(consultation_list.operation)
    items = [_round(row) for row in consultations.list_rounds(db.session, current_user)]
    return page_of(items, args["page"], args["per_page"])


def _response(view: consultations.ResponseView, goal_codes: dict) -> dict:
    return {"id": view.id, "goal": goal_codes.get(view.goal_id), "parent_id": view.parent_id,
            "author": {"name": view.author_name, "role": view.author_role, "organisation": view.organisation,
                       "network": view.network},
            "position": view.position, "comment": view.comment, "proposed_title": view.proposed_title,
            "proposed_description": view.proposed_description, "created_at": view.created_at.isoformat(),
            "updated_at": view.updated_at.isoformat(), "answer": view.answer, "answer_reason": view.answer_reason}


@bp.route("/consultations/<int:round_id>/responses")
@login_required
@operation(summary=_l("Responses of one consultation round"), params=(ROUND_ID, *PAGING),
           response=schemas.ref("ConsultationResponse"), paged=True, auth=True, not_found=True, forbidden=True,
           tag="consultations",
           description=_l("Every response (replies too, with the response they reply to as parent_id) in the order "
                          "they were written; responses hidden by an editor are left out. 403 for a round that is "
                          "for other roles."))
def consultation_responses(round_id: int):
    args = parse_query(consultation_responses.operation)
    round_ = consultations.get_round(db.session, round_id, current_user)
    report = consultations.round_report(db.session, round_)
    codes = {}
    for goal, _code in consultations.round_goals(db.session, round_.id):
        codes[goal.id] = goal.code
    items = []
    for goal in report.goals:
        for view in goal.responses:
            items.append(_response(view, codes))
            items.extend(_response(reply, codes) for reply in view.replies)
    items.sort(key=lambda item: (item["created_at"], item["id"]))
    return page_of(items, args["page"], args["per_page"])


@bp.route("/releases/<old>...<new>")
@public
@operation(summary=_l("Release notes between two framework versions"), params=(OLD, NEW),
           response=schemas.ref("ReleaseNotes"), not_found=True, tag="framework",
           description=_l("Goals added, changed (field by field), moved and retired (with their replacement) "
                          "from one version to the other; the two may be given in either order."))
def release_notes_between(old: str, new: str):
    parse_query(release_notes_between.operation)
    if release_notes.DRAFT in (old, new) and not is_editor(current_user):
        raise NotFound(_l("There is no framework version %(version)s.", version=release_notes.DRAFT))
    notes = release_notes.compare(db.session, old, new)
    return jsonify({
        "old": notes.old_label, "new": notes.new_label,
        "added": [{"code": g.code, "title": g.title, "status": g.status} for g in notes.added],
        "changed": [{"code": g.code, "title": g.title,
                     "changes": [{"field": d.field, "old": d.old, "new": d.new} for d in g.diffs]}
                    for g in notes.changed],
        "moved": [{"code": g.code, "title": g.title, "old_strand": g.old_strand, "new_strand": g.new_strand}
                  for g in notes.moved],
        "retired": [{"code": g.code, "title": g.title, "replaced_by": g.replaced_by_code} for g in notes.retired],
    })
