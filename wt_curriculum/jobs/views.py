"""The pages of a user's jobs (reports in preparation, imports, backups): `/taken` lists the recent ones,
`/taken/<id>` shows one with its progress, refreshing itself (a Refresh header: no script) while it is
queued or running, and offers what it made when it is done. Only the user who started a job sees it.
"""
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO

from flask import Blueprint, Response, abort, redirect, render_template, send_file, url_for
from flask_babel import format_timedelta, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.permissions import login_required
from ..core import jobs
from ..core.models import Job
from ..extensions import db

bp = Blueprint("jobs", __name__, url_prefix="/taken")
REFRESH_SECONDS = 3
STATE_LABELS = {
    jobs.QUEUED: _l("Waiting"),
    jobs.RUNNING: _l("In progress"),
    jobs.DONE: _l("Ready"),
    jobs.FAILED: _l("Failed"),
    jobs.CANCELLED: _l("Cancelled"),
}


@dataclass
class Progress:
    done: int
    total: int | None
    text: str  # "37 of 212 pages"
    share: float | None  # 0..1, None when the total is not known
    time_left: str  # "about 2 minutes", or "" while no estimate can be made


def _amount(unit: str, done: int, total: int | None) -> str:
    if total is None:
        if unit == "pages":
            return ngettext("%(num)s page", "%(num)s pages", done)
        if unit == "rows":
            return ngettext("%(num)s row", "%(num)s rows", done)
        return str(done)
    if unit == "pages":
        return ngettext("%(done)s of %(num)s page", "%(done)s of %(num)s pages", total, done=done)
    if unit == "rows":
        return ngettext("%(done)s of %(num)s row", "%(done)s of %(num)s rows", total, done=done)
    return ngettext("%(done)s of %(num)s step", "%(done)s of %(num)s steps", total, done=done)


def progress_of(job: Job) -> Progress:
    done, total = job.progress_done, job.progress_total
    share = min(done / total, 1.0) if total else None
    time_left = ""
    if job.state == jobs.RUNNING and share and job.started_at is not None and done > 0:
        elapsed = (jobs.utcnow() - job.started_at).total_seconds()
        left = elapsed / share - elapsed
        if left >= 1:
            time_left = format_timedelta(timedelta(seconds=left), threshold=1.5)
    return Progress(done, total, _amount(job.progress_unit, done, total), share, time_left)


def _own(job_id: int) -> Job:
    return jobs.job_of_user(db.session, job_id, current_user.id)


@bp.route("")
@login_required
def my_jobs():
    recent = jobs.jobs_of_user(db.session, current_user.id)
    response = Response(render_template("jobs/list.html", jobs=recent, progress_of=progress_of, labels=STATE_LABELS))
    if any(job.state in jobs.ACTIVE for job in recent):
        response.headers["Refresh"] = str(REFRESH_SECONDS * 2)
    return response


@bp.route("/<int:job_id>")
@login_required
def job(job_id: int):
    job = _own(job_id)
    active = job.state in jobs.ACTIVE
    ahead = 0
    if job.state == jobs.QUEUED:
        ahead = db.session.scalar(select(func.count()).select_from(Job).where(
            Job.state == jobs.QUEUED, Job.id < job.id))
    has_file = job.state == jobs.DONE and job.result_key is not None and jobs.result_file(job) is not None
    html = render_template("jobs/job.html", job=job, progress=progress_of(job), labels=STATE_LABELS, ahead=ahead,
                           has_file=has_file, refresh=REFRESH_SECONDS if active else None)
    response = Response(html, status=202 if active else 200)
    if active:  # refresh only while there is something to wait for
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.route("/<int:job_id>/bestand")
@login_required
def job_file(job_id: int):
    job = _own(job_id)
    data = jobs.result_file(job)
    if data is None:
        abort(404)
    response = send_file(BytesIO(data), mimetype=job.result_type or "application/octet-stream", as_attachment=True,
                         download_name=job.result_name or "bestand")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:job_id>/annuleren", methods=["POST"])
@login_required
def cancel(job_id: int):
    job = _own(job_id)
    jobs.cancel(db.session, job)
    db.session.commit()
    return redirect(url_for(".job", job_id=job.id), code=303)
