"""Coverage of every school of a network at once: the same shapes as `coverage.school_coverage`, for many
schools in a fixed number of queries (for the network report, which appends a page per school).

The result for each school equals `school_coverage(session, school_id, year)` (tests/reports check this).
"""
from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session

from ..groepen import ALL_GROEPEN, from_mask
from ..lessons.models import Alignment
from ..objectives.models import GoalStatus
from ..organisations.models import School
from .coverage import KERN, NONE, Cell, GoalRow, SchoolCoverage, _cell, _framework, _group
from .models import PlanEntry


def network_school_coverages(session: Session, network_id: int, year: int) -> list[SchoolCoverage]:
    """Goals x groepen for each active school of a network (ordered by name) in one school year: four
    queries whatever the number of schools."""
    schools = session.execute(
        select(School.id, School.name, School.brin, School.vestiging)
        .where(School.network_id == network_id, School.archived.is_(False)).order_by(School.name, School.id)
    ).all()
    in_network = (School.network_id == network_id, School.archived.is_(False), PlanEntry.school_year == year)
    is_taught = PlanEntry.taught_on.is_not(None)
    is_kern = Alignment.relation == KERN
    cells: dict[int, dict[int, dict[int, tuple]]] = {}  # school -> goal -> groep -> aggregates
    for school_id, goal_id, groep, taught, kern, taught_kern in session.execute(
        select(PlanEntry.school_id, Alignment.goal_id, PlanEntry.groep,
               func.max(case((is_taught, 1), else_=0)),
               func.max(case((is_kern, 1), else_=0)),
               func.max(case((and_(is_taught, is_kern), 1), else_=0)))
        .join(Alignment, Alignment.package_id == PlanEntry.package_id)
        .join(School, School.id == PlanEntry.school_id)
        .where(*in_network)
        .group_by(PlanEntry.school_id, Alignment.goal_id, PlanEntry.groep)
    ):
        cells.setdefault(school_id, {}).setdefault(goal_id, {})[groep] = (taught, kern, taught_kern)
    planned_anywhere = (
        select(Alignment.goal_id).join(PlanEntry, PlanEntry.package_id == Alignment.package_id)
        .join(School, School.id == PlanEntry.school_id).where(*in_network)
    )
    framework = _framework(session, planned_anywhere)
    planning = set(session.scalars(
        select(distinct(PlanEntry.school_id)).join(School, School.id == PlanEntry.school_id).where(*in_network)
    ))

    result = []
    for s in schools:
        found_for_school = cells.get(s.id, {})
        # Retired goals count for a school only when that school's own plan names them.
        rows = [r for r in framework if r.status != GoalStatus.RETIRED or r.id in found_for_school]

        def make_goal(r, found_for_school=found_for_school) -> GoalRow:
            groepen = from_mask(r.groepen_mask)
            found = found_for_school.get(r.id, {})
            row = GoalRow(r.id, r.code, r.title, r.status, groepen)
            for g in ALL_GROEPEN:
                row.cells[g] = _cell(*found[g], g in groepen) if g in found else Cell(NONE, None, g in groepen)
            return row

        result.append(SchoolCoverage(s.id, s.name, f"{s.brin}{s.vestiging}", year, _group(rows, make_goal),
                                     s.id in planning))
    return result
