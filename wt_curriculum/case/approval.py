"""Four-eyes publishing of `flask case import` when it restores our framework.

With FOUR_EYES on, a restore that changes, moves, retires or publishes goals of a published framework is not
written: the command tries it (`try_import`), the caller rolls the attempt back and `propose` keeps the whole
package, with the report the attempt gave (without language, said in each reader's language when shown), as one
PendingChange. A second editor approves it on the editor's page; then it is imported again, all or nothing, and
only when it still gives the same report.
"""
import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Conflict, ValidationError
from ..objectives import services as objectives
from ..objectives.models import Goal, GoalStatus
from . import frameworks, services
from .report_text import import_report_lines

KIND = "import.case"
REPORT_LINES = 200  # lines of the report shown to the approving editor


def _goal_states(session: Session) -> dict[int, tuple]:
    """(status, version, position, strand) of every goal: one query."""
    return {row.id: (row.status, row.version, row.position, row.strand_id) for row in session.execute(
        select(Goal.id, Goal.status, Goal.version, Goal.position, Goal.strand_id))}


def try_import(session: Session, data: dict, editor) -> tuple[services.ImportReport, bool]:
    """Import our framework (flush only) and say whether a second editor must approve it: four-eyes is on and a
    goal that was published (or retired) changed, moved or changed status, or a goal became published in a
    framework that already had published goals. When it must, the caller rolls the session back."""
    before = _goal_states(session) if objectives.four_eyes_on() else None
    report = services.import_package(session, data, editor)
    if before is None:
        return report, False
    session.flush()
    after = _goal_states(session)
    had_published = any(state[0] != GoalStatus.DRAFT for state in before.values())
    for goal_id, state in after.items():
        old = before.get(goal_id)
        if old is None:
            if had_published and state[0] != GoalStatus.DRAFT:
                return report, True
        elif old != state and not old[0] == state[0] == GoalStatus.DRAFT:
            return report, True
    return report, False


def propose(session: Session, raw: bytes, report: services.ImportReport, filename: str, editor):
    """Keep the package and the report of the attempt as one change waiting for a second editor. The report is kept
    without language (ImportReport.entries()): the approval queue says it in each reader's language."""
    summary = {"filename": filename, "entries": report.entries(),
               "counts": {"added": len(report.created), "changed": len(report.updated),
                          "unchanged": report.unchanged}}
    return objectives.propose_import(session, KIND, raw, summary, filename, editor)


@objectives.pending_import_report.register
def _shown(kind: str, summary: dict):
    """What the approval queue shows of a proposed CASE restore: its report in the reader's language, the first
    REPORT_LINES lines. A change stored before the neutral entries kept its English lines: those are shown."""
    if kind != KIND or "entries" not in summary:
        return None
    lines = import_report_lines(summary["entries"])
    return {**summary, "lines": lines[:REPORT_LINES], "more": max(0, len(lines) - REPORT_LINES)}


def _same_report(report: services.ImportReport, summary: dict) -> bool:
    """Whether importing now does what the proposed import's report said, in no language. A change stored before
    the neutral entries kept the English lines (in the order of that time: compared as a set of lines)."""
    if "entries" in summary:
        return report.entries() == summary["entries"]
    return sorted(report.lines()) == sorted(summary.get("report") or [])


@objectives.apply_pending_import.register
def _apply_approved(session: Session, change, approver, progress=None):
    """A second editor approved a restore of our framework: imported again, whole, if it still gives the same
    report (the import tells no progress: the job shows its rows only when done)."""
    if change.kind != KIND:
        return None
    summary = json.loads(change.payload)
    data = json.loads((change.data or b"{}").decode("utf-8-sig"))
    if not frameworks.is_ours(session, data):
        raise ValidationError(_l("This package is no longer our framework's. Reject it."))
    report = services.import_package(session, data, approver)
    if not _same_report(report, summary):
        raise Conflict(_l("The framework changed after this import was proposed, so it no longer does what its "
                          "report says. Reject it and import the package again."))
    return report
