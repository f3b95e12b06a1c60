"""The data of each report, gathered from the other areas' read services (never their models or views)."""
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..groepen import ALL_GROEPEN
from ..objectives.services import FrameworkFilters, FrameworkTree, framework_tree
from ..organisations.services import get_school
from ..planning.coverage import (
    CohortCoverage,
    GapReport,
    NetworkCoverage,
    SchoolCoverage,
    cohort_coverage,
    gap_suggestions,
    network_coverage,
    school_coverage,
)
from ..planning.coverage_batch import network_school_coverages
from ..planning.services import PlanRow, year_plan
from ..schoolyears import format_school_year


@dataclass
class SchoolReport:
    coverage: SchoolCoverage
    gaps: list[GapReport]  # one per groep; empty when the school has no plan for the year


@dataclass
class StrandAverage:
    code: str
    title: str
    share: float  # mean share over the schools with a plan


@dataclass
class NetworkReport:
    coverage: NetworkCoverage
    strand_averages: list[StrandAverage]
    schools: list[SchoolCoverage]  # one per school, in the order of coverage.schools


def framework_report(session: Session) -> FrameworkTree:
    """The published framework, as anyone may read it."""
    return framework_tree(session, FrameworkFilters(), None)


def school_report(session: Session, school_id: int, year: int) -> SchoolReport:
    """Goals x groepen for the year, and the gaps with suggested packages for each groep."""
    data = school_coverage(session, school_id, year)
    gaps = [gap_suggestions(session, school_id, year, g) for g in ALL_GROEPEN] if data.has_plan else []
    return SchoolReport(data, gaps)


def network_report(session: Session, network_id: int, year: int, most_missed: int | None = None) -> NetworkReport:
    """The network summary plus every school's own coverage, in a fixed number of queries."""
    data = network_coverage(session, network_id, year, most_missed=most_missed)
    with_plan = data.schools_with_plan
    averages = [
        StrandAverage(s.code, s.title,
                      sum(school.strands[s.id].share for school in with_plan) / len(with_plan) if with_plan else 0.0)
        for s in data.strands
    ]
    return NetworkReport(data, averages, network_school_coverages(session, network_id, year))


def cohort_report(session: Session, school_id: int, start_year: int) -> CohortCoverage:
    return cohort_coverage(session, school_id, start_year)


@dataclass
class PlanReport:
    """A school's year plan for printing: one groep, or every groep (groep None)."""

    school_id: int
    school_name: str
    school_code: str
    year: int
    groep: int | None
    groepen: list[tuple[int, list[PlanRow]]]  # (groep, its rows), every groep asked for, empty ones too

    @property
    def year_label(self) -> str:
        return format_school_year(self.year)

    @property
    def count(self) -> int:
        return sum(len(rows) for _, rows in self.groepen)


def plan_report(session: Session, school_id: int, year: int, groep: int | None = None) -> PlanReport:
    """The year plan of a school (or of one of its groepen) with each package's goals: three queries."""
    school = get_school(session, school_id)
    plan = year_plan(session, school, year, groep)
    groepen = [groep] if groep else list(ALL_GROEPEN)
    return PlanReport(school.id, school.name, school.code, year, groep,
                      [(g, plan.for_groep(g)) for g in groepen])
