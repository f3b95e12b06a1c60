"""Large imports of SLO's open data, applied by the task queue; the checked items travel through the file store."""
import secrets

from flask import url_for
from flask_babel import gettext as _

from ..auth.models import User
from ..core import file_store
from ..core.jobs import JobFailed, JobResult, job_task
from ..core.services import record_audit
from ..errors import ValidationError
from .importer import ImportRefused, SloData, import_slo_data, read_slo_bytes
from .report_text import slo_report_lines


def submit_import(session, data: SloData, user_id: int | None = None):
    """Queue the import of checked SLO data (sent when the session commits)."""
    key = f"references-import-{secrets.token_urlsafe(16)}"
    file_store.put(key, data.to_json().encode())
    return apply_slo_data.submit(session, title=_("Import of SLO's open data"), user_id=user_id, data_key=key,
                                 items=len(data.items))


@job_task("references.import")
def apply_slo_data(session, job, data_key: str, items: int):
    raw = file_store.get(data_key)
    if raw is None:
        raise JobFailed(_("The data to import is no longer kept. Start the import again."))
    job.progress(0, items, "rows")
    try:
        report = import_slo_data(session, SloData.from_json(raw.decode()))
    except ValidationError as error:
        raise JobFailed(str(error.message)) from None
    job.progress(items, items, "rows")  # written in one flush: all items at once
    file_store.delete(data_key)
    return JobResult(message="\n".join(report.lines()))


# --- An upload on the web page: read, checked and applied by the queue, all or nothing -------------------------
def submit_upload(session, raw: bytes, filename: str, user_id: int):
    """Queue the import of an uploaded file of SLO's open data (sent when the session commits)."""
    key = f"references-upload-{secrets.token_urlsafe(16)}"
    file_store.put(key, raw)
    return import_slo_upload.submit(session, title=_("Import of SLO's open data: %(name)s", name=filename),
                                    user_id=user_id, data_key=key, filename=filename)


@job_task("references.upload")
def import_slo_upload(session, job, data_key: str, filename: str):
    raw = file_store.get(data_key)
    if raw is None:
        raise JobFailed(_("The uploaded file is no longer kept. Upload it again."))
    job.progress(0, 2, "steps")
    try:
        data = read_slo_bytes(raw, filename)
    except ImportRefused as refused:
        file_store.delete(data_key)
        raise JobFailed("\n".join([_("%(name)s was not imported; nothing was changed.", name=filename),
                                   *refused.problems])) from None
    job.progress(1, 2, "steps")
    report = import_slo_data(session, data)
    record_audit(session, session.get(User, job.user_id), "reference.import", "reference_framework", None,
                 f"{filename}: {report.matched} matched, {len(report.changed)} changed")
    job.progress(2, 2, "steps")
    file_store.delete(data_key)
    return JobResult(message="\n".join(slo_report_lines(report)), url=url_for("references.frameworks"))
