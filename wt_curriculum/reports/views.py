"""Reports: each one an HTML page and a PDF of the same template; the coverage tables (per goal and per
kerndoel / doelzin) also as CSV and XLSX.

The path without a suffix is the HTML page; `.pdf`, `.csv` and `.xlsx` give the other forms. Who may see
a report is decided as for the coverage pages (planning area).
"""
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import can_see_network, can_see_school, login_required, public, roles_required
from ..errors import Forbidden, ValidationError
from ..extensions import db
from ..organisations import services as organisations
from ..planning.kerndoelen import coverage_set
from ..schoolyears import current_school_year, format_school_year, parse_school_year
from . import jobs, kerndoelen, services, spreadsheets
from .rendering import render_html, render_pdf

bp = Blueprint("reports", __name__, url_prefix="/rapporten")

ALL = tuple(Role)
NETWORK_VIEWERS = (Role.ADMIN, Role.EDITOR, Role.NETWORK)
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(arg: str = "year", default: int | None = None) -> int:
    """A school year like 2026-2027 from the query string (a 400 with a message when it is malformed)."""
    text = request.args.get(arg, "")
    if not text:
        return default if default is not None else current_school_year()
    return parse_school_year(text)


def _delimiter() -> str:
    value = request.args.get("delimiter", ";")
    if value not in spreadsheets.DELIMITERS:
        raise ValidationError(_l("The delimiter is ; (the default) or , (a comma)."))
    return value


def _school(school_id: int):
    school = organisations.get_school(db.session, school_id)
    if not can_see_school(current_user, school):
        raise Forbidden(_l("You may not see the reports of this school."))
    return school


def _network(network_id: int):
    network = organisations.get_network(db.session, network_id)
    if not can_see_network(current_user, network):
        raise Forbidden(_l("You may not see the reports of this network."))
    return network


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _spreadsheet(sheet, fmt: str, name: str) -> Response:
    if fmt == "csv":
        return _download(spreadsheets.to_csv(sheet, _delimiter()), "text/csv; charset=utf-8", f"{name}.csv")
    return _download(spreadsheets.to_xlsx(sheet), XLSX, f"{name}.xlsx")


# --- The framework (public) --------------------------------------------------------------------
@bp.route("/leerdoelenkader", defaults={"fmt": "html"})
@bp.route("/leerdoelenkader.pdf", defaults={"fmt": "pdf"})
@public
def framework(fmt: str):
    tree = services.framework_report(db.session)
    if fmt == "pdf":
        return _download(render_pdf("reports/framework.html", tree=tree), PDF, "leerdoelenkader.pdf")
    return render_html("reports/framework.html", tree=tree)


# --- One school --------------------------------------------------------------------------------
@bp.route("/scholen/<int:school_id>/dekking", defaults={"fmt": "html"})
@bp.route("/scholen/<int:school_id>/dekking.<any(pdf, csv, xlsx):fmt>")
@roles_required(*ALL)
def school_coverage(school_id: int, fmt: str):
    school = _school(school_id)
    year = _year()
    name = f"dekking-{school.code}-{format_school_year(year)}"
    if fmt in ("csv", "xlsx"):
        data = services.school_coverage(db.session, school.id, year)
        return _spreadsheet(spreadsheets.school_sheet(data), fmt, name)
    report = services.school_report(db.session, school.id, year)
    if fmt == "pdf":
        return _download(render_pdf("reports/school.html", report=report, data=report.coverage), PDF, f"{name}.pdf")
    return render_html("reports/school.html", report=report, data=report.coverage)


@bp.route("/scholen/<int:school_id>/cohort", defaults={"fmt": "html"})
@bp.route("/scholen/<int:school_id>/cohort.pdf", defaults={"fmt": "pdf"})
@roles_required(*ALL)
def cohort(school_id: int, fmt: str):
    school = _school(school_id)
    start = _year("start", default=current_school_year() - 7)
    data = services.cohort_report(db.session, school.id, start)
    if fmt == "pdf":
        return _download(render_pdf("reports/cohort.html", data=data), PDF,
                         f"cohort-{school.code}-{data.start_label}.pdf")
    return render_html("reports/cohort.html", data=data)


# --- One network -------------------------------------------------------------------------------
@bp.route("/netwerken/<int:network_id>/dekking", defaults={"fmt": "html"})
@bp.route("/netwerken/<int:network_id>/dekking.<any(pdf, csv, xlsx):fmt>")
@roles_required(*NETWORK_VIEWERS)
def network_coverage(network_id: int, fmt: str):
    network = _network(network_id)
    year = _year()
    name = f"dekking-{network.code}-{format_school_year(year)}"
    if fmt in ("csv", "xlsx"):
        data = services.network_coverage(db.session, network.id, year)
        return _spreadsheet(spreadsheets.network_sheet(data), fmt, name)
    if fmt == "pdf":
        threshold = current_app.config.get("REPORTS_BACKGROUND_SCHOOLS", 60)
        if len(organisations.list_schools(db.session, network.id)) > threshold:
            # A big network takes longer than a request should: make it in the background.
            network_id = network.id
            token = jobs.start_job(
                current_user.id, _("Network coverage %(year)s", year=format_school_year(year)), f"{name}.pdf",
                lambda: _network_pdf(network_id, year))
            return redirect(url_for(".job", token=token), code=303)
        return _download(_network_pdf(network.id, year), PDF, f"{name}.pdf")
    report = services.network_report(db.session, network.id, year)
    return render_html("reports/network.html", report=report, data=report.coverage)


def _network_pdf(network_id: int, year: int) -> bytes:
    report = services.network_report(db.session, network_id, year)
    return render_pdf("reports/network.html", report=report, data=report.coverage)


# --- Coverage per kerndoel / doelzin (reference sets kd2006-po, kd2025-po) ---------------------------
def _kerndoel_name(code: str, key: str, year: int) -> str:
    return f"kerndoelen-{code}-{key}-{format_school_year(year)}"


@bp.route("/scholen/<int:school_id>/kerndoelen", defaults={"fmt": "html"})
@bp.route("/scholen/<int:school_id>/kerndoelen.<any(pdf, csv, xlsx):fmt>")
@roles_required(*ALL)
def school_kerndoelen(school_id: int, fmt: str):
    school = _school(school_id)  # who may see the school is checked before the request is
    key, year = coverage_set(request.args.get("set")), _year()
    report = kerndoelen.school_kerndoel_report(db.session, school.id, year, key)
    name = _kerndoel_name(school.code, key, year)
    if fmt in ("csv", "xlsx"):
        return _spreadsheet(kerndoelen.school_kerndoel_sheet(report), fmt, name)
    if fmt == "pdf":
        return _download(render_pdf("reports/school_kerndoelen.html", report=report, data=report.data), PDF,
                         f"{name}.pdf")
    return render_html("reports/school_kerndoelen.html", report=report, data=report.data)


@bp.route("/netwerken/<int:network_id>/kerndoelen", defaults={"fmt": "html"})
@bp.route("/netwerken/<int:network_id>/kerndoelen.<any(pdf, csv, xlsx):fmt>")
@roles_required(*NETWORK_VIEWERS)
def network_kerndoelen(network_id: int, fmt: str):
    network = _network(network_id)
    key, year = coverage_set(request.args.get("set")), _year()
    report = kerndoelen.network_kerndoel_report(db.session, network.id, year, key)
    name = _kerndoel_name(network.code, key, year)
    if fmt in ("csv", "xlsx"):
        return _spreadsheet(kerndoelen.network_kerndoel_sheet(report), fmt, name)
    if fmt == "pdf":
        return _download(render_pdf("reports/network_kerndoelen.html", report=report, data=report.data), PDF,
                         f"{name}.pdf")
    return render_html("reports/network_kerndoelen.html", report=report, data=report.data)


# --- Background jobs ---------------------------------------------------------------------------
def _own_job(token: str) -> dict:
    status = jobs.read_status(token)
    if status is None or status.get("user_id") != current_user.id:
        abort(404)  # someone else's job does not exist, as far as this user can tell
    return status


@bp.route("/taken/<token>")
@login_required
def job(token: str):
    status = _own_job(token)
    code = 202 if status["state"] == jobs.RUNNING else 200
    return render_template("reports/job.html", status=status, token=token), code


@bp.route("/taken/<token>.pdf")
@login_required
def job_file(token: str):
    status = _own_job(token)
    path = jobs.pdf_path(token)
    if status["state"] != jobs.DONE or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=PDF, as_attachment=True, download_name=status["filename"])
    response.headers["Cache-Control"] = "private, no-store"
    return response
