"""The per (school, year) coverage aggregates as they should be, computed in Python from the plan rows."""
from sqlalchemy import select

from wt_curriculum.groepen import bit
from wt_curriculum.lessons.models import Alignment
from wt_curriculum.objectives.models import Goal, GoalStatus
from wt_curriculum.planning.models import PlanEntry, SchoolYearCoverage


def expected(session) -> dict[tuple[int, int], tuple[int, int]]:
    goals = {g.id: g for g in session.scalars(select(Goal))}
    aligned: dict[int, list[int]] = {}
    for package_id, goal_id in session.execute(select(Alignment.package_id, Alignment.goal_id)):
        aligned.setdefault(package_id, []).append(goal_id)
    entries: dict[tuple[int, int], int] = {}
    covered: dict[tuple[int, int], set[int]] = {}
    for school_id, year, groep, package_id in session.execute(
            select(PlanEntry.school_id, PlanEntry.school_year, PlanEntry.groep, PlanEntry.package_id)):
        key = (school_id, year)
        entries[key] = entries.get(key, 0) + 1
        covered.setdefault(key, set()).update(
            gid for gid in aligned.get(package_id, [])
            if goals[gid].status == GoalStatus.PUBLISHED and goals[gid].groepen_mask & bit(groep))
    return {key: (n, len(covered[key])) for key, n in entries.items()}


def stored(session) -> dict[tuple[int, int], tuple[int, int]]:
    return {(r.school_id, r.school_year): (r.entries, r.covered) for r in session.scalars(select(SchoolYearCoverage))}


def assert_aggregates_match(session) -> dict:
    want = expected(session)
    assert stored(session) == want
    return want
