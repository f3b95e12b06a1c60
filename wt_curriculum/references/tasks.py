"""Large imports of SLO's open data, applied by the task queue; the checked items travel through the file store."""
import secrets

from flask_babel import gettext as _

from ..core import file_store
from ..core.jobs import JobFailed, JobResult, job_task
from ..errors import ValidationError
from .importer import SloData, import_slo_data


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
