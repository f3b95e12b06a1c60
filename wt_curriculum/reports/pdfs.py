"""The PDF reports by name: the template and data of each, for the request (small reports) and the task
queue (reports/tasks.py) alike. Parameters are plain values (ids, years, keys), as a job stores them.

BUILDERS is the list of every report PDF. A new report adds its builder here, and a case with demo data to
tests/reports/pdf_cases.py: the layout test renders every report named here and fails on one without a case.
"""
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..consultations import release_notes
from ..consultations import services as consultations
from ..consultations.models import ConsultationRound
from . import kerndoelen, services


@dataclass
class PdfReport:
    template: str
    context: dict
    estimated_pages: int | None = None  # for the progress bar before the first PDF of its kind was made


def pdf_report(session: Session, report: str, params: dict) -> PdfReport:
    """The template and data of the named report (KeyError for an unknown name)."""
    return BUILDERS[report](session, **params)


def _framework(session: Session) -> PdfReport:
    return PdfReport("reports/framework.html", {"tree": services.framework_report(session)})


def _school(session: Session, school_id: int, year: int) -> PdfReport:
    report = services.school_report(session, school_id, year)
    return PdfReport("reports/school.html", {"report": report, "data": report.coverage})


def _cohort(session: Session, school_id: int, start: int) -> PdfReport:
    return PdfReport("reports/cohort.html", {"data": services.cohort_report(session, school_id, start)})


def _network(session: Session, network_id: int, year: int) -> PdfReport:
    report = services.network_report(session, network_id, year)
    # A summary, the table of schools (about 30 a page), then a page per school.
    schools = len(report.schools)
    return PdfReport("reports/network.html", {"report": report, "data": report.coverage},
                     estimated_pages=2 + schools // 30 + schools)


def _school_kerndoelen(session: Session, school_id: int, year: int, key: str) -> PdfReport:
    report = kerndoelen.school_kerndoel_report(session, school_id, year, key)
    return PdfReport("reports/school_kerndoelen.html", {"report": report, "data": report.data})


def _network_kerndoelen(session: Session, network_id: int, year: int, key: str) -> PdfReport:
    report = kerndoelen.network_kerndoel_report(session, network_id, year, key)
    return PdfReport("reports/network_kerndoelen.html", {"report": report, "data": report.data})


def _consultation(session: Session, round_id: int, stamp: str = "") -> PdfReport:
    """The consultation report; `stamp` (consultations.report_stamp) only makes the cache key change."""
    round_ = session.get(ConsultationRound, round_id)
    report = consultations.round_report(session, round_)
    return PdfReport("consultations/report.html", {"report": report}, estimated_pages=1 + report.response_count // 8)


def _plan(session: Session, school_id: int, year: int, groep: int | None = None) -> PdfReport:
    return PdfReport("reports/plan.html", {"data": services.plan_report(session, school_id, year, groep)})


def _release_notes(session: Session, old: str, new: str) -> PdfReport:
    return PdfReport("consultations/release_notes.html", {"notes": release_notes.compare(session, old, new)})


BUILDERS = {
    "plan": _plan,
    "framework": _framework,
    "school": _school,
    "cohort": _cohort,
    "network": _network,
    "school_kerndoelen": _school_kerndoelen,
    "network_kerndoelen": _network_kerndoelen,
    "consultation": _consultation,
    "release_notes": _release_notes,
}
