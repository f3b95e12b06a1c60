"""Every report PDF with the demo data (`flask seed --demo`), for the layout test (test_pdf_layout.py).

A plain registry: one `PdfCase` per report of `wt_curriculum.reports.pdfs.BUILDERS` (more when one report
has layouts worth checking apart, e.g. the whole school's year plan and one groep's). A new report adds its
case here with `register(PdfCase(...))`; the layout test fails for a report of BUILDERS without one.

`params(session)` finds the report's parameters in the demo data (and may add what the demo lacks, like a
consultation round with responses): it runs once, in the app context of the seeded database, and flushes.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

YEAR = 2026  # the demo plans cover 2024-2025 .. 2026-2027


@dataclass(frozen=True)
class PdfCase:
    report: str  # a name in wt_curriculum.reports.pdfs.BUILDERS
    params: Callable[[Session], dict]
    label: str = ""  # tells two cases of one report apart
    # True when a wide table has a landscape section of its own; otherwise every page has one orientation.
    landscape_section: bool = False
    must_say: tuple[str, ...] = ()  # words the PDF must hold, e.g. the legend of its codes (in Dutch)

    @property
    def id(self) -> str:
        return f"{self.report}-{self.label}" if self.label else self.report


CASES: list[PdfCase] = []


def register(case: PdfCase) -> PdfCase:
    CASES.append(case)
    return case


# --- The demo data ----------------------------------------------------------------------------------------
def busiest_school(session: Session) -> int:
    """The demo school with the most plan rows in YEAR (the longest school reports)."""
    from wt_curriculum.planning.models import PlanEntry

    return session.execute(select(PlanEntry.school_id).where(PlanEntry.school_year == YEAR)
                           .group_by(PlanEntry.school_id).order_by(func.count().desc(), PlanEntry.school_id)
                           .limit(1)).scalar_one()


def first_school(session: Session) -> int:
    from wt_curriculum.organisations.models import School

    return session.scalars(select(School.id).order_by(School.id)).first()


def largest_network(session: Session) -> int:
    from wt_curriculum.organisations.models import School

    return session.execute(select(School.network_id).where(School.network_id.is_not(None))
                           .group_by(School.network_id).order_by(func.count().desc(), School.network_id)
                           .limit(1)).scalar_one()


def consultation_round(session: Session) -> dict:
    """A round on eight published goals with responses of the demo school, teacher and network accounts, and
    an editor's answer: the demo has no consultations of its own."""
    from wt_curriculum.auth.models import User
    from wt_curriculum.consultations import services
    from wt_curriculum.objectives.models import Goal, GoalStatus

    codes = list(session.scalars(select(Goal.code).where(Goal.status == GoalStatus.PUBLISHED)
                                 .order_by(Goal.id).limit(8)))
    editor = session.scalar(select(User).where(User.email == "redacteur@example.org"))
    round_ = services.open_round(session, services.RoundData(
        "Consultatie leerlijnen Mens & Natuur", "Wat vind je van deze leerdoelen? Reageer per leerdoel.",
        date.today() - timedelta(days=3), date.today() + timedelta(days=30), ["iedereen"], False, " ".join(codes)),
        editor)
    goals = dict(session.execute(select(Goal.code, Goal.id).where(Goal.code.in_(codes))).all())
    users = session.scalars(select(User).where(User.email.in_(
        ["coordinator@example.org", "leraar@example.org", "netwerk@example.org"])).order_by(User.id)).all()
    positions = ["eens", "eens-met-wijzigingen", "oneens"]
    for i, code in enumerate(codes):
        for k, user in enumerate(users):
            if (i + k) % 2:
                continue
            services.respond(session, round_, user, services.ResponseData(
                goals[code], positions[(i + k) % 3],
                "In groep 5 en 6 werkt dit goed als de leerlingen eerst zelf iets mogen proberen; "
                "maak de formulering concreter zodat leraren weten wat ze moeten laten zien.",
                proposed_title=f"Herschreven leerdoel {code}" if k == 1 else ""))
    session.flush()
    return {"round_id": round_.id, "stamp": services.report_stamp(session, round_.id)}


def release_span(session: Session) -> dict:
    """The demo's published release against the framework as it stands (the draft)."""
    from wt_curriculum.consultations import release_notes

    choices = release_notes.release_choices(session)
    released = [c for c in choices if c != release_notes.DRAFT]
    return {"old": released[0] if released else choices[0], "new": release_notes.DRAFT}


register(PdfCase("framework", lambda s: {}))
register(PdfCase("school", lambda s: {"school_id": busiest_school(s), "year": YEAR},
                 must_say=("gepland, nog niet gegeven (gearceerd)", "MN.1 Aard van natuurwetenschappen & technologie")))
register(PdfCase("school", lambda s: {"school_id": first_school(s), "year": YEAR}, label="first"))
register(PdfCase("cohort", lambda s: {"school_id": busiest_school(s), "start": YEAR - 7}))
register(PdfCase("network", lambda s: {"network_id": largest_network(s), "year": YEAR}, landscape_section=True,
                 must_say=("Leerlijnen MN.1 Aard van natuurwetenschappen & technologie", "75% of meer (effen)")))
register(PdfCase("school_kerndoelen", lambda s: {"school_id": busiest_school(s), "year": YEAR, "key": "kd2025-po"}))
register(PdfCase("school_kerndoelen", lambda s: {"school_id": busiest_school(s), "year": YEAR, "key": "kd2006-po"},
                 label="2006"))
register(PdfCase("network_kerndoelen", lambda s: {"network_id": largest_network(s), "year": YEAR,
                                                  "key": "kd2025-po"}, landscape_section=True))
register(PdfCase("plan", lambda s: {"school_id": busiest_school(s), "year": YEAR, "groep": None}))
register(PdfCase("plan", lambda s: {"school_id": busiest_school(s), "year": YEAR, "groep": 5}, label="groep"))
register(PdfCase("consultation", consultation_round))
register(PdfCase("release_notes", release_span))
