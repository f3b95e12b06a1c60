"""Large imports applied by the task queue: the checked file travels through the file store (the consumer
may run on another machine), is checked again and applied all or nothing, with its rows as progress."""
from flask import url_for
from flask_babel import gettext as _

from ..auth.models import User
from ..core import file_store
from ..core.jobs import JobFailed, JobResult, job_task
from ..core.statistics import analyze_after_commit
from . import services
from .storage import Pending

TITLES = {
    "goals": lambda name: _("Import of goals: %(file)s", file=name),
    "packages": lambda name: _("Import of lesson packages: %(file)s", file=name),
    "plans": lambda name: _("Import of year plans: %(file)s", file=name),
}
SHOWN_ERRORS = 20


def submit_import(session, pending: Pending, raw: bytes, user_id: int):
    """Hand a checked import over to the queue (sent when the session commits)."""
    key = f"import-{pending.token}"
    file_store.put(key, raw)
    return apply_file.submit(session, title=TITLES[pending.kind](pending.filename), user_id=user_id,
                             kind=pending.kind, file_key=key, filename=pending.filename, digest=pending.digest)


def _refused(lines: list[str]) -> JobFailed:
    shown = lines[:SHOWN_ERRORS]
    if len(lines) > SHOWN_ERRORS:
        shown.append(_("… and %(n)s more.", n=len(lines) - SHOWN_ERRORS))
    return JobFailed("\n".join([_("Nothing was imported:"), *shown]))


@job_task("interchange.import")
def apply_file(session, job, kind: str, file_key: str, filename: str, digest: str):
    raw = file_store.get(file_key)
    if raw is None:
        raise JobFailed(_("The uploaded file is no longer kept. Upload it again."))
    user = session.get(User, job.user_id)
    if user is None or not user.is_active:
        raise JobFailed(_("The account that started this import can no longer import."))
    try:
        outcome = services.apply_import(session, kind, raw, filename, user, digest,
                                        progress=lambda done, total: job.progress(done, total, "rows"))
    except services.ApplyError as error:
        raise _refused([_("Line %(line)s: %(message)s", line=error.line, message=error.message)]) from None
    if not outcome.applied:
        if outcome.changed_since_preview:
            raise JobFailed(_("The data changed after your preview, so nothing was imported. Upload the file "
                              "again to see what it would do now."))
        raise _refused([_("Line %(line)s: %(message)s", line=e.line, message=e.message)
                        for e in outcome.preview.errors])
    file_store.delete(file_key)
    analyze_after_commit(session)  # a large change: fresh statistics for the query planner
    result = outcome.preview
    return JobResult(message=_("Import done: %(a)s added, %(c)s changed, %(s)s left alone.", a=result.count("add"),
                               c=result.count("change"), s=result.count("same")),
                     url=url_for("interchange.overview"))
