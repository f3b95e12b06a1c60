"""Large network and school imports (CSV) applied by the task queue; the file travels through the file store."""
import secrets

from flask import url_for
from flask_babel import gettext as _

from ..auth.models import User
from ..core import file_store
from ..core.jobs import JobFailed, JobResult, job_task
from ..core.statistics import analyze_after_commit
from . import imports


def submit_import(session, kind: str, raw: bytes, rows: int, user_id: int):
    key = f"organisations-import-{secrets.token_urlsafe(16)}"
    file_store.put(key, raw)
    title = _("Import of networks") if kind == "netwerken" else _("Import of schools")
    return apply_file.submit(session, title=title, user_id=user_id, kind=kind, file_key=key, rows=rows)


@job_task("organisations.import")
def apply_file(session, job, kind: str, file_key: str, rows: int):
    raw = file_store.get(file_key)
    if raw is None:
        raise JobFailed(_("The uploaded file is no longer kept. Upload it again."))
    job.progress(0, rows, "rows")
    result = imports.apply_import(session, kind, raw, session.get(User, job.user_id))  # ValidationError: failed
    job.progress(rows, rows, "rows")  # written in one flush: all rows at once
    file_store.delete(file_key)
    analyze_after_commit(session)  # a large change: fresh statistics for the query planner
    return JobResult(message=_("Import done: %(a)s added, %(c)s changed, %(s)s left alone.", a=result.count("add"),
                               c=result.count("change"), s=result.count("same")),
                     url=url_for("organisations.schools"))
