"""Per (school, school year) coverage aggregates (`SchoolYearCoverage`), kept in the same transaction as
every change that moves them.

After every flush, the (school, year) pairs whose plan rows were added, removed or moved, and the pairs
that plan a package whose alignments changed or that is aligned to a goal whose status or groepen changed,
are counted again from the plan rows, in SQL (a few set-based statements, whatever the number of pairs).
Every change to year plans goes through the ORM (services, copies, imports, seeds), so none passes unseen;
`rebuild` counts everything again (`flask --app app coverage rebuild`).
"""
from sqlalchemy import and_, case, delete, distinct, event, func, insert, inspect, literal, select, tuple_
from sqlalchemy.orm import Session

from ..lessons.models import Alignment
from ..objectives.models import Goal, GoalStatus
from .models import PlanEntry, SchoolYearCoverage

CHUNK = 500
PLAN_FIELDS = ("school_id", "school_year", "groep", "package_id")
GOAL_FIELDS = ("status", "groepen_mask")


def _counts(where):
    """(school_id, school_year, entries, covered) per pair of the plan rows matching `where`."""
    groep_bit = literal(1).op("<<")(PlanEntry.groep - 1)
    counts = and_(Goal.status == GoalStatus.PUBLISHED, Goal.groepen_mask.op("&")(groep_bit) != 0)
    return (
        select(PlanEntry.school_id, PlanEntry.school_year, func.count(distinct(PlanEntry.id)),
               func.count(distinct(case((counts, Goal.id)))))
        .outerjoin(Alignment, Alignment.package_id == PlanEntry.package_id)
        .outerjoin(Goal, Goal.id == Alignment.goal_id)
        .where(where)
        .group_by(PlanEntry.school_id, PlanEntry.school_year)
    )


def _write(connection, pairs_condition, plan_condition) -> None:
    table = SchoolYearCoverage.__table__
    connection.execute(delete(table).where(pairs_condition(table.c)))
    connection.execute(insert(table).from_select(
        ["school_id", "school_year", "entries", "covered"], _counts(plan_condition)))


def refresh_pairs(connection, pairs) -> None:
    """Count these (school_id, school_year) pairs again (pairs without plan rows lose their row)."""
    pairs = sorted(set(pairs))
    for i in range(0, len(pairs), CHUNK):
        chunk = pairs[i:i + CHUNK]
        _write(connection, lambda c, chunk=chunk: tuple_(c.school_id, c.school_year).in_(chunk),
               tuple_(PlanEntry.school_id, PlanEntry.school_year).in_(chunk))


def refresh_packages(connection, package_ids) -> None:
    """Count again every pair that plans one of these packages."""
    package_ids = sorted(set(package_ids))
    for i in range(0, len(package_ids), CHUNK):
        pairs = select(PlanEntry.school_id, PlanEntry.school_year) \
            .where(PlanEntry.package_id.in_(package_ids[i:i + CHUNK])).distinct()
        _write(connection, lambda c, pairs=pairs: tuple_(c.school_id, c.school_year).in_(pairs),
               tuple_(PlanEntry.school_id, PlanEntry.school_year).in_(pairs))


def rebuild(session: Session) -> int:
    """Count every pair again from the plan rows; returns the number of pairs."""
    connection = session.connection()
    table = SchoolYearCoverage.__table__
    connection.execute(delete(table))
    connection.execute(insert(table).from_select(
        ["school_id", "school_year", "entries", "covered"], _counts(literal(True))))
    return session.scalar(select(func.count()).select_from(table)) or 0


def _changed(obj, fields) -> bool:
    state = inspect(obj)
    return any(state.attrs[f].history.has_changes() for f in fields)


def _old_and_new(obj, field):
    history = inspect(obj).attrs[field].history
    return [*history.deleted, *history.unchanged, *history.added]


DELETED_PAIRS = "wt_coverage_deleted_pairs"


@event.listens_for(Session, "before_flush")
def _remember_deleted(session: Session, flush_context, instances) -> None:
    """The pairs of plan rows about to be deleted, read while they can still be loaded."""
    deleted = {(obj.school_id, obj.school_year) for obj in session.deleted if isinstance(obj, PlanEntry)}
    if deleted:
        session.info.setdefault(DELETED_PAIRS, set()).update(deleted)


@event.listens_for(Session, "after_flush")
def _keep_aggregates(session: Session, flush_context) -> None:
    pairs: set[tuple[int, int]] = session.info.pop(DELETED_PAIRS, set())
    packages: set[int] = set()
    goals: set[int] = set()
    for obj in session.new:
        if isinstance(obj, PlanEntry):
            pairs.add((obj.school_id, obj.school_year))
        elif isinstance(obj, Alignment):
            packages.add(obj.package_id)
    for obj in session.deleted:
        if isinstance(obj, Alignment):
            packages.add(obj.package_id)
    for obj in session.dirty:
        if isinstance(obj, PlanEntry) and _changed(obj, PLAN_FIELDS):
            pairs.update((s, y) for s in _old_and_new(obj, "school_id") for y in _old_and_new(obj, "school_year")
                         if s is not None and y is not None)
        elif isinstance(obj, Alignment) and _changed(obj, ("package_id", "goal_id")):
            packages.update(p for p in _old_and_new(obj, "package_id") if p is not None)
        elif isinstance(obj, Goal) and _changed(obj, GOAL_FIELDS):
            goals.add(obj.id)
    if not (pairs or packages or goals):
        return
    connection = session.connection()
    if goals:
        packages.update(connection.execute(
            select(Alignment.package_id).where(Alignment.goal_id.in_(sorted(goals)))).scalars())
    if packages:
        refresh_packages(connection, packages)
    if pairs:
        refresh_pairs(connection, pairs)
