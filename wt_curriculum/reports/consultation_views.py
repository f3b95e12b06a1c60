"""The consultation report of a round, for editors: an HTML page, a PDF (made by the task queue when the round
has many responses) and CSV / XLSX with one row per response."""
from flask import Blueprint, current_app, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.forms import ROLE_LABELS
from ..auth.models import Role
from ..auth.permissions import roles_required
from ..consultations import services as consultations
from ..extensions import db
from ..i18n import current_language
from . import pdf_cache, spreadsheets, tasks
from .rendering import render_html
from .views import PDF, _download, _spreadsheet

bp = Blueprint("consultation_reports", __name__, url_prefix="/consultaties")
EDITORS = (Role.ADMIN, Role.EDITOR)


@bp.route("/<int:round_id>/rapport", defaults={"fmt": "html"})
@bp.route("/<int:round_id>/rapport.<any(pdf, csv, xlsx):fmt>")
@roles_required(*EDITORS)
def report(round_id: int, fmt: str):
    round_ = consultations.get_round(db.session, round_id, current_user)
    name = f"consultatie-{round_.id}"
    if fmt == "pdf":
        return _pdf(round_, name)
    data = consultations.round_report(db.session, round_)
    if fmt in ("csv", "xlsx"):
        return _spreadsheet(response_sheet(data), fmt, name)
    return render_html("consultations/report.html", report=data)


def _pdf(round_, name: str):
    """Made here for a round with at most CONSULTATION_REPORT_INLINE responses (default 100), else by the queue."""
    params = {"round_id": round_.id, "stamp": consultations.report_stamp(db.session, round_.id)}
    language = current_language()
    key = pdf_cache.pdf_key("consultation", params, language)
    data = pdf_cache.cached_pdf(key)
    count = consultations.response_total(db.session, round_.id)
    if data is None and count <= int(current_app.config.get("CONSULTATION_REPORT_INLINE", 100)):
        key, _pages = tasks.make_pdf(db.session, "consultation", params, language)
        data = pdf_cache.cached_pdf(key)
    if data is not None:
        return _download(data, PDF, f"{name}.pdf")
    job = tasks.report_pdf.submit(
        db.session, title=_("Consultation report: %(title)s", title=round_.title), user_id=current_user.id,
        key=f"{key}:{current_user.id}", report="consultation", params=params, filename=f"{name}.pdf",
        url=url_for("consultation_reports.report", round_id=round_.id))
    db.session.commit()
    return redirect(url_for("jobs.job", job_id=job.id), code=303)


def response_sheet(data: consultations.RoundReport) -> spreadsheets.Sheet:
    positions, answers = consultations.position_labels(), consultations.answer_labels()
    header = [_("Goal"), _("Title"), _("Respondent"), _("Role"), _("School or network"), _("Network"),
              _("Position"), _("Comment"), _("Proposed title"), _("Proposed description"), _("Answer"),
              _("Reason"), _("Replies")]
    rows = []
    for goal in data.goals:
        for r in goal.responses:
            rows.append([
                goal.code or "", goal.title, r.author_name, str(ROLE_LABELS.get(r.author_role, r.author_role)),
                r.organisation, r.network, str(positions.get(r.position, "")) if r.position else "", r.comment,
                r.proposed_title, r.proposed_description, str(answers[r.answer]) if r.answer else "",
                r.answer_reason, len(r.replies)])
    return spreadsheets.Sheet(_("Responses")[:31], header, rows)
