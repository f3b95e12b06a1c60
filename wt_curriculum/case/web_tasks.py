"""Jobs started on the CASE pages: import an uploaded package as a reference framework, follow another server's
package, fetch a mirrored one now. Each runs in the task queue; its changes are committed with "done", so a
package that is refused writes nothing."""
import json
import secrets

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..core import file_store
from ..core.jobs import JobFailed, JobResult, job_task
from ..core.services import record_audit
from ..errors import DomainError
from ..references.models import ReferenceFramework
from . import frameworks
from .report_text import reference_report_lines


def _refused(lead: str, error: DomainError) -> JobFailed:
    # The importer's own explanation names the package's fields (CFItems[3], isChildOf): it stays as written.
    return JobFailed("\n".join([lead, str(error.message)]))


def read_upload(raw: bytes) -> dict:
    """The JSON of an uploaded package; JobFailed with the line and column of the first problem."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise JobFailed(_("The file is not UTF-8 text (byte %(n)s); nothing was imported.", n=error.start)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise JobFailed(_("The file is not JSON: %(error)s at line %(line)s, column %(column)s; nothing was "
                          "imported.", error=error.msg, line=error.lineno, column=error.colno)) from None
    except RecursionError:
        raise JobFailed(_("The file is nested too deeply; nothing was imported.")) from None


def submit_package_import(session, raw: bytes, filename: str, user_id: int):
    key = f"case-upload-{secrets.token_urlsafe(16)}"
    file_store.put(key, raw)
    return import_uploaded_package.submit(session, title=_("Import of the CASE package %(name)s", name=filename),
                                          user_id=user_id, data_key=key, filename=filename)


@job_task("case.upload_import")
def import_uploaded_package(session, job, data_key: str, filename: str):
    raw = file_store.get(data_key)
    if raw is None:
        raise JobFailed(_("The uploaded file is no longer kept. Upload it again."))
    file_store.delete(data_key)
    job.progress(0, 2, "steps")
    data = read_upload(raw)
    if frameworks.is_ours(session, data):
        raise JobFailed(_("This package is our own goal framework (or there is no framework yet). Restoring it "
                          "changes our goals: an administrator does that with the command flask case import."))
    job.progress(1, 2, "steps")
    try:
        report = frameworks.import_reference_package(session, data)
    except DomainError as error:
        raise _refused(_("%(name)s was not imported; nothing was changed.", name=filename), error) from None
    record_audit(session, session.get(User, job.user_id), "case.reference_import", "reference_framework",
                 _framework_id(session, report.key), f"{report.key}: {filename}")
    job.progress(2, 2, "steps")
    return JobResult(message="\n".join(reference_report_lines(report)),
                     url=url_for("references.framework", key=report.key))


def _framework_id(session, key: str) -> int | None:
    return session.scalar(select(ReferenceFramework.id).where(ReferenceFramework.key == key))


def submit_mirror(session, url: str, user_id: int):
    return add_mirror.submit(session, title=_("Mirror %(url)s", url=url[:200]), user_id=user_id, url=url)


@job_task("case.mirror_add")
def add_mirror(session, job, url: str):
    job.progress(0, 1, "steps")
    try:
        report = frameworks.subscribe(session, url)
    except DomainError as error:
        raise _refused(_("%(url)s is not mirrored; nothing was changed.", url=url), error) from None
    record_audit(session, session.get(User, job.user_id), "case.mirror_add", "reference_framework",
                 _framework_id(session, report.key), f"{report.key}: {url}"[:500])
    job.progress(1, 1, "steps")
    return JobResult(message="\n".join(reference_report_lines(report)), url=url_for("case_pages.mirrors"))


def submit_fetch(session, framework: ReferenceFramework, user_id: int):
    return fetch_mirror.submit(session, title=_("Fetch %(framework)s now", framework=framework.title),
                               user_id=user_id, key=f"case-mirror-{framework.id}", framework_id=framework.id)


@job_task("case.mirror_fetch")
def fetch_mirror(session, job, framework_id: int):
    framework = session.get(ReferenceFramework, framework_id)
    if framework is None or not framework.mirror_url:
        raise JobFailed(_("This framework is no longer mirrored."))
    job.progress(0, 1, "steps")
    result = frameworks.refresh(session, framework)
    job.progress(1, 1, "steps")
    if result.error:
        # Done, not failed: the error is recorded on the mirror (its page shows it until a fetch succeeds).
        message = _("The server could not be read or answered no usable package: %(error)s", error=result.error)
    elif result.changed:
        message = "\n".join([_("Version %(number)s was made.", number=result.version),
                             *reference_report_lines(result.report)])
    else:
        message = _("Nothing changed since the last fetch.")
    return JobResult(message=message, url=url_for("case_pages.mirrors"))
