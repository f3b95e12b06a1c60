"""Reports: each one an HTML page and a PDF of the same template; the coverage tables (per goal and per
kerndoel / doelzin) also as CSV and XLSX.

The path without a suffix is the HTML page; `.pdf`, `.csv` and `.xlsx` give the other forms. Who may see
a report is decided as for the coverage pages (planning area).

A PDF is served from the PDF cache when nothing it shows has changed (reports/pdf_cache.py); otherwise the
task queue makes it and the user is sent to the job's page (`/taken/<id>`). Only a report about at most
REPORTS_BACKGROUND_SCHOOLS schools is made in the request (0, the default: none). The framework PDF is
public: one shared job makes it, and its visitors wait on a page that refreshes itself.
"""
from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import Role
from ..auth.permissions import can_see_network, can_see_school, public, roles_required
from ..core import fragments
from ..errors import Forbidden, ValidationError
from ..extensions import db
from ..groepen import ALL_GROEPEN
from ..i18n import current_language
from ..organisations import services as organisations
from ..planning.kerndoelen import coverage_set
from ..references.services import framework_by_key
from ..schoolyears import current_school_year, format_school_year, parse_school_year
from . import kerndoelen, pdf_cache, pdfs, services, spreadsheets, tasks
from .rendering import render_html, today

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


def _pdf(report: str, params: dict, filename: str, title: str, schools: int, page_url: str) -> Response:
    """The report's PDF from the cache, made here when it is small, or made by the queue (a job page)."""
    language = current_language()
    key = pdf_cache.pdf_key(report, params, language)
    data = pdf_cache.cached_pdf(key)
    if data is None and 0 < schools <= int(current_app.config["REPORTS_BACKGROUND_SCHOOLS"]):
        key, _pages = tasks.make_pdf(db.session, report, params, language)
        data = pdf_cache.cached_pdf(key)
    if data is not None:
        return _download(data, PDF, filename)
    # Keyed per user: asking twice while it is being made finds the same job.
    job = tasks.report_pdf.submit(db.session, title=title, user_id=current_user.id, key=f"{key}:{current_user.id}",
                                  report=report, params=params, filename=filename, url=page_url)
    db.session.commit()
    return redirect(url_for("jobs.job", job_id=job.id), code=303)


def _spreadsheet(sheet, fmt: str, name: str) -> Response:
    if fmt == "csv":
        return _download(spreadsheets.to_csv(sheet, _delimiter()), "text/csv; charset=utf-8", f"{name}.csv")
    return _download(spreadsheets.to_xlsx(sheet), XLSX, f"{name}.xlsx")


# --- The framework (public) --------------------------------------------------------------------
@bp.route("/leerdoelenkader", defaults={"fmt": "html"})
@bp.route("/leerdoelenkader.pdf", defaults={"fmt": "pdf"})
@public
def framework(fmt: str):
    if fmt == "pdf":
        return _framework_pdf()
    return render_html("reports/framework.html", tree=services.framework_report(db.session))


FRAMEWORK_WAIT_SECONDS = 5


def _framework_pdf() -> Response:
    """Served from the cache; else one shared job makes it, and every visitor meanwhile gets a page that
    refreshes itself until it is there (no rendering in a request, however many ask at once)."""
    key = pdf_cache.pdf_key("framework", {}, current_language())
    data = pdf_cache.cached_pdf(key)
    if data is None:
        tasks.submit_framework_pdf(db.session, current_language())
        db.session.commit()
        data = pdf_cache.cached_pdf(key)  # a quick consumer (or the immediate mode of the tests)
    if data is not None:
        return _download(data, PDF, "leerdoelenkader.pdf")
    response = Response(render_template("reports/pdf_wait.html", seconds=FRAMEWORK_WAIT_SECONDS), status=202)
    response.headers["Refresh"] = str(FRAMEWORK_WAIT_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


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
    if fmt == "pdf":
        return _pdf("school", {"school_id": school.id, "year": year}, f"{name}.pdf",
                    _("Coverage %(year)s · %(school)s", year=format_school_year(year), school=school.name), 1,
                    url_for(".school_coverage", school_id=school.id, year=format_school_year(year)))
    report = services.school_report(db.session, school.id, year)
    return render_html("reports/school.html", report=report, data=report.coverage)


@bp.route("/scholen/<int:school_id>/jaarplanning", defaults={"fmt": "html"})
@bp.route("/scholen/<int:school_id>/jaarplanning.<any(pdf, csv, xlsx):fmt>")
@roles_required(*ALL)
def year_plan(school_id: int, fmt: str):
    """The year plan to print or take along: the whole school, or one groep (?groep=5)."""
    school = _school(school_id)
    year = _year()
    groep = request.args.get("groep", "")
    if groep:
        if groep not in {str(g) for g in ALL_GROEPEN}:
            raise ValidationError(_l("A groep is a number from 1 to 8."))
        groep = int(groep)
    else:
        groep = None
    label = format_school_year(year)
    name = f"jaarplanning-{school.code}-{label}" + (f"-groep-{groep}" if groep else "")
    if fmt in ("csv", "xlsx"):
        return _spreadsheet(spreadsheets.plan_sheet(services.plan_report(db.session, school.id, year, groep)), fmt,
                            name)
    if fmt == "pdf":
        return _pdf("plan", {"school_id": school.id, "year": year, "groep": groep}, f"{name}.pdf",
                    _("Year plan %(year)s · %(school)s", year=label, school=school.name), 1,
                    url_for(".year_plan", school_id=school.id, year=label, groep=groep or None))
    return render_html("reports/plan.html", data=services.plan_report(db.session, school.id, year, groep))


@bp.route("/scholen/<int:school_id>/cohort", defaults={"fmt": "html"})
@bp.route("/scholen/<int:school_id>/cohort.pdf", defaults={"fmt": "pdf"})
@roles_required(*ALL)
def cohort(school_id: int, fmt: str):
    school = _school(school_id)
    start = _year("start", default=current_school_year() - 7)
    if fmt == "pdf":
        label = format_school_year(start)
        return _pdf("cohort", {"school_id": school.id, "start": start}, f"cohort-{school.code}-{label}.pdf",
                    _("Cohort %(year)s · %(school)s", year=label, school=school.name), 1,
                    url_for(".cohort", school_id=school.id, start=label))
    return render_html("reports/cohort.html", data=services.cohort_report(db.session, school.id, start))


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
        return _pdf("network", {"network_id": network.id, "year": year}, f"{name}.pdf",
                    _("Network coverage %(year)s · %(network)s", year=format_school_year(year), network=network.name),
                    _school_count(network.id),
                    url_for(".network_coverage", network_id=network.id, year=format_school_year(year)))
    report = services.network_report(db.session, network.id, year)
    return render_html("reports/network.html", report=report, data=report.coverage)


@bp.route("/netwerken/<int:network_id>/gemist.<any(csv, xlsx):fmt>")
@roles_required(*NETWORK_VIEWERS)
def network_missed(network_id: int, fmt: str):
    """Every goal the network's schools miss, as a spreadsheet (the page shows the first ten)."""
    network = _network(network_id)
    year = _year()
    data = services.network_coverage(db.session, network.id, year)
    return _spreadsheet(spreadsheets.missed_sheet(data), fmt, f"gemist-{network.code}-{format_school_year(year)}")


def _school_count(network_id: int) -> int:
    return len(organisations.list_schools(db.session, network_id))


# --- A network against the country; the country over the years ---------------------------------
@bp.route("/netwerken/<int:network_id>/vergelijking", defaults={"fmt": "html"})
@bp.route("/netwerken/<int:network_id>/vergelijking.pdf", defaults={"fmt": "pdf"})
@roles_required(*NETWORK_VIEWERS)
def network_benchmark(network_id: int, fmt: str):
    """The network's coverage per strand and per kerndoel against the national median and spread, over the
    last school years (small multiples and their numbers)."""
    network = _network(network_id)
    year = _year()
    label = format_school_year(year)
    if fmt == "pdf":
        return _pdf("network_benchmark", {"network_id": network.id, "year": year},
                    f"vergelijking-{network.code}-{label}.pdf",
                    _("Benchmark %(year)s · %(network)s", year=label, network=network.name),
                    _school_count(network.id),
                    url_for(".network_benchmark", network_id=network.id, fmt="html", year=label))
    # The same for everyone who may see it: cached per network, year, language, print date and the content and
    # plan generations (it reads every school's plans of three years), the menu around it rendered per request.
    blocks = fragments.cached_blocks("network-benchmark", (network.id, year, today().isoformat()), lambda: _render(
        "network_benchmark", {"network_id": network.id, "year": year}), plans=True)
    return render_template("core/cached_page.html", blocks=blocks)


@bp.route("/landelijk", defaults={"fmt": "html"})
@bp.route("/landelijk.pdf", defaults={"fmt": "pdf"})
@roles_required(Role.ADMIN, Role.EDITOR)
def national_picture(fmt: str):
    """Adoption of the framework over the school years: the country, per province (with a map) and per
    network; for SLO's editors and the administrators."""
    year = _year()
    label = format_school_year(year)
    if fmt == "pdf":
        # The whole country: always made by the task queue (schools=0), never in the request.
        return _pdf("national_picture", {"year": year}, f"landelijk-beeld-{label}.pdf",
                    _("The national picture %(year)s", year=label), 0,
                    url_for(".national_picture", fmt="html", year=label))
    blocks = fragments.cached_blocks("national-picture", (year, today().isoformat()), lambda: _render(
        "national_picture", {"year": year}), plans=True)
    return render_template("core/cached_page.html", blocks=blocks)


def _render(report: str, params: dict) -> str:
    """The report's page from the same template and data as its PDF."""
    built = pdfs.pdf_report(db.session, report, params)
    return render_html(built.template, **built.context)


# --- Coverage per kerndoel / doelzin (reference sets kd2006-po, kd2025-po) ---------------------------
def _kerndoel_name(code: str, key: str, year: int) -> str:
    return f"kerndoelen-{code}-{key}-{format_school_year(year)}"


@bp.route("/scholen/<int:school_id>/kerndoelen", defaults={"fmt": "html"})
@bp.route("/scholen/<int:school_id>/kerndoelen.<any(pdf, csv, xlsx):fmt>")
@roles_required(*ALL)
def school_kerndoelen(school_id: int, fmt: str):
    school = _school(school_id)  # who may see the school is checked before the request is
    key, year = coverage_set(request.args.get("set")), _year()
    name = _kerndoel_name(school.code, key, year)
    if fmt == "pdf":
        framework_by_key(db.session, key)  # NotFound now, not in the job, when the set is not loaded
        return _pdf("school_kerndoelen", {"school_id": school.id, "year": year, "key": key}, f"{name}.pdf",
                    _("Coverage per kerndoel %(year)s · %(school)s", year=format_school_year(year),
                      school=school.name), 1,
                    url_for(".school_kerndoelen", school_id=school.id, year=format_school_year(year), set=key))
    report = kerndoelen.school_kerndoel_report(db.session, school.id, year, key)
    if fmt in ("csv", "xlsx"):
        return _spreadsheet(kerndoelen.school_kerndoel_sheet(report), fmt, name)
    return render_html("reports/school_kerndoelen.html", report=report, data=report.data)


@bp.route("/netwerken/<int:network_id>/kerndoelen", defaults={"fmt": "html"})
@bp.route("/netwerken/<int:network_id>/kerndoelen.<any(pdf, csv, xlsx):fmt>")
@roles_required(*NETWORK_VIEWERS)
def network_kerndoelen(network_id: int, fmt: str):
    network = _network(network_id)
    key, year = coverage_set(request.args.get("set")), _year()
    name = _kerndoel_name(network.code, key, year)
    if fmt == "pdf":
        framework_by_key(db.session, key)
        return _pdf("network_kerndoelen", {"network_id": network.id, "year": year, "key": key}, f"{name}.pdf",
                    _("Coverage per kerndoel %(year)s · %(network)s", year=format_school_year(year),
                      network=network.name), _school_count(network.id),
                    url_for(".network_kerndoelen", network_id=network.id, year=format_school_year(year), set=key))
    report = kerndoelen.network_kerndoel_report(db.session, network.id, year, key)
    if fmt in ("csv", "xlsx"):
        return _spreadsheet(kerndoelen.network_kerndoel_sheet(report), fmt, name)
    return render_html("reports/network_kerndoelen.html", report=report, data=report.data)
