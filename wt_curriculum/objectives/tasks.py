"""Approving a large pending import (four-eyes publishing) is work for the task queue: the web request only checks
that the change may be approved and submits one job per change; the job applies it all or nothing, as the
approving editor, and fails with the reason when the change was decided meanwhile, the approver is no longer an
editor, or the import no longer does what its report says."""
import json

from flask import url_for
from flask_babel import gettext as _

from ..auth.models import User
from ..auth.permissions import is_editor
from ..core.jobs import JobFailed, JobResult, job_task
from ..core.statistics import analyze_after_commit
from . import services
from .models import PendingChange


def _report(change: PendingChange) -> dict:
    return json.loads(change.payload or "{}")


def approval_title(change: PendingChange) -> str:
    name = _report(change).get("filename") or change.note
    if change.kind == "import.case":
        return _("Approving the CASE import of the framework: %(file)s", file=name)
    return _("Approving the import of goals: %(file)s", file=name)


def submit_approval(session, change: PendingChange, approver):
    """The job applying this approved import (sent when the session commits); while one is queued or running
    for the change, that one (whoever started it)."""
    return approve_import.submit(session, title=approval_title(change), user_id=approver.id,
                                 key=services.approval_job_key(change.id), change_id=change.id)


@job_task("objectives.approve_import")
def approve_import(session, job, change_id: int):
    approver = session.get(User, job.user_id) if job.user_id is not None else None
    if approver is None or not approver.is_active or not is_editor(approver):
        raise JobFailed(_("The account that approved this import is no longer an editor, so nothing was imported. "
                          "Another editor can approve it."))
    change = session.get(PendingChange, change_id)
    if change is None:
        raise JobFailed(_("This change no longer exists, so nothing was imported."))
    if change.decided_at is not None:
        name = session.get(User, change.decided_by_id).name if change.decided_by_id else "?"
        if change.decision == "rejected":
            raise JobFailed(_("%(name)s rejected this import meanwhile, so nothing was imported.", name=name))
        raise JobFailed(_("%(name)s decided on this import meanwhile, so it was not imported again.", name=name))
    rows = services.import_rows(change)
    job.progress(0, total=rows, unit="rows")
    services.decide_change(session, change_id, approver, True,
                           progress=lambda done, total: job.progress(done, total, "rows"))
    job.progress(rows)
    analyze_after_commit(session)  # a large change: fresh statistics for the query planner
    counts = _report(change).get("counts") or {}
    return JobResult(message=_("The import has been approved and applied: %(a)s added, %(c)s changed, %(s)s "
                               "unchanged.", a=counts.get("added", 0), c=counts.get("changed", 0),
                               s=counts.get("unchanged", 0)),
                     url=url_for("objectives.editor"))
