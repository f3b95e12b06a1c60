"""Year plans: plain functions that take the session."""
import json
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..core.services import record_audit, record_revision, revisions_for
from ..errors import Conflict, NotFound, ValidationError
from ..groepen import ALL_GROEPEN, bit, from_mask
from ..groepen import label as groepen_label
from ..lessons.models import LessonPackage, PackageKind, PackageStatus
from ..lessons.services import AlignedGoal, aligned_goals
from ..numbers import whole_or_none
from ..organisations import services as organisations
from ..organisations.models import Network, School
from ..schoolyears import check_in_school_year, format_school_year
from .models import PlanEntry


@organisations.school_in_use.register
def _school_has_plans(session: Session, school: School):
    if session.scalar(select(PlanEntry.id).where(PlanEntry.school_id == school.id).limit(1)) is not None:
        return _l("%(name)s has year plans and cannot be deleted: archive it instead.", name=school.name)
    return None


# Before the other reasons: a network whose schools plan has the most to lose.
@organisations.network_in_use.register(order=10)
def _network_has_plans(session: Session, network: Network):
    has_plans = session.scalar(
        select(PlanEntry.id).join(School, School.id == PlanEntry.school_id)
        .where(School.network_id == network.id).limit(1)
    )
    if has_plans is not None:
        return _l("%(name)s has schools with year plans and cannot be deleted: archive it instead.",
                  name=network.name)
    return None


# --- Year plans --------------------------------------------------------------------------------
@dataclass
class PlanRow:
    id: int
    groep: int
    package_id: int
    package_title: str
    package_status: str
    package_groepen: list[int]
    period: str
    taught_on: date | None
    version: int
    school_id: int = 0
    created_by_id: int | None = None
    goals: list[AlignedGoal] = field(default_factory=list)  # the package's goals, main aims first
    package_kind: str = PackageKind.OWN
    package_links: str = ""  # one URL a line: an outside material's first one is where it is

    @property
    def external(self) -> bool:
        """An outside material (oai): planned from its page, counting for the goals confirmed for it."""
        return self.package_kind == PackageKind.EXTERNAL

    @property
    def external_url(self) -> str:
        return self.package_links.split("\n", 1)[0].strip() if self.external else ""

    @property
    def outside_groepen(self) -> bool:
        """Planned in a groep the package is not meant for: allowed, but shown with a warning."""
        return self.groep not in self.package_groepen


@dataclass
class YearPlan:
    school_id: int
    school_name: str
    year: int
    rows: list[PlanRow]
    has_previous_year: bool

    @property
    def label(self) -> str:
        return format_school_year(self.year)

    def for_groep(self, groep: int) -> list[PlanRow]:
        return [r for r in self.rows if r.groep == groep]

    @property
    def taught_count(self) -> int:
        return sum(1 for r in self.rows if r.taught_on)


def year_plan(session: Session, school: School, year: int, groep: int | None = None) -> YearPlan:
    """A school's plan for one school year (optionally one groep), with package titles: one query (+1)."""
    query = (
        select(PlanEntry.id, PlanEntry.groep, PlanEntry.package_id, LessonPackage.title, LessonPackage.status,
               LessonPackage.groepen_mask, PlanEntry.period, PlanEntry.taught_on, PlanEntry.version,
               PlanEntry.school_id, PlanEntry.created_by_id, LessonPackage.kind, LessonPackage.links)
        .join(LessonPackage, LessonPackage.id == PlanEntry.package_id)
        .where(PlanEntry.school_id == school.id, PlanEntry.school_year == year)
        .order_by(PlanEntry.groep, PlanEntry.period, LessonPackage.title)
    )
    if groep is not None:
        query = query.where(PlanEntry.groep == groep)
    rows = [PlanRow(r.id, r.groep, r.package_id, r.title, r.status, from_mask(r.groepen_mask), r.period or "",
                    r.taught_on, r.version, r.school_id, r.created_by_id, package_kind=r.kind,
                    package_links=r.links or "") for r in session.execute(query)]
    goals = aligned_goals(session, sorted({r.package_id for r in rows}))
    for row in rows:
        row.goals = goals[row.package_id]
    previous = session.scalar(
        select(PlanEntry.id).where(PlanEntry.school_id == school.id, PlanEntry.school_year == year - 1).limit(1)
    )
    return YearPlan(school.id, school.name, year, rows, previous is not None)


def parse_groep(value) -> int:
    groep = whole_or_none(value, 1, 8)  # ASCII digits only: int() would take '５' as 5
    if groep not in ALL_GROEPEN:
        raise ValidationError(_l("A groep is a number from 1 to 8."), field="groep")
    return groep


def _clean_period(period: str | None) -> str:
    period = (period or "").strip()
    if len(period) > 20:
        raise ValidationError(_l("The period has at most 20 characters, e.g. 'periode 2' or 'week 12'."),
                              field="period")
    return period


@dataclass
class PlanResult:
    entry: PlanEntry
    package_title: str
    warning: str | None = None  # e.g. planned in a groep the package is not meant for


def add_plan_entry(session: Session, school: School, package_id, year: int, groep: int, period: str = "",
                   actor=None) -> PlanResult:
    """Plan a published package in a groep; a groep outside the package's groepen is allowed with a warning."""
    try:
        package = session.get(LessonPackage, int(package_id))
    except (TypeError, ValueError):
        package = None
    if package is None:
        raise ValidationError(_l("Choose an existing lesson package."), field="package_id")
    if package.status != PackageStatus.PUBLISHED:
        raise ValidationError(_l("%(title)s is not published (it is a draft or has been withdrawn) and cannot be "
                                 "planned.", title=package.title), field="package_id")
    period = _clean_period(period)
    duplicate = session.scalar(select(PlanEntry.id).where(
        PlanEntry.school_id == school.id, PlanEntry.school_year == year, PlanEntry.groep == groep,
        PlanEntry.package_id == package.id))
    already_planned = ValidationError(_l("%(title)s is already in the plan of groep %(groep)s in %(year)s.",
                                         title=package.title, groep=groep, year=format_school_year(year)),
                                      field="package_id")
    if duplicate is not None:
        raise already_planned
    entry = PlanEntry(school_id=school.id, school_year=year, groep=groep, package_id=package.id, period=period,
                      created_by_id=getattr(actor, "id", None))
    session.add(entry)
    try:
        session.flush()
    except IntegrityError:
        # Someone added the same package at the same moment, after our check: the unique key refused ours.
        raise already_planned from None
    record_audit(session, actor, "plan.add", "plan_entry", entry.id,
                 f"{school.code} {format_school_year(year)} groep {groep}: {package.title}")
    warning = None
    if not package.groepen_mask & bit(groep):
        warning = _l("%(title)s is meant for groep %(groepen)s, not for groep %(groep)s.",
                     title=package.title, groepen=groepen_label(package.groepen), groep=groep)
    return PlanResult(entry, package.title, warning)


def get_plan_entry(session: Session, entry_id: int) -> PlanEntry:
    entry = session.get(PlanEntry, entry_id)
    if entry is None:
        raise NotFound(_l("This plan entry does not exist."))
    return entry


def _check_version(entry: PlanEntry, version) -> None:
    try:
        opened_at = int(version)
    except (TypeError, ValueError):
        opened_at = None
    if opened_at != entry.version:
        raise Conflict(_l("Someone else changed this plan entry first. Reload the page and try again."))


def _flush_versioned(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(_l("Someone else changed this plan entry first. Reload the page and try again.")) from None


def update_plan_entry(session: Session, entry: PlanEntry, version, period: str, taught_on: date | None,
                      actor=None) -> PlanEntry:
    """Change the period and the date taught of an entry opened at `version` (optimistic locking)."""
    _check_version(entry, version)
    if taught_on is not None and taught_on > date.today():
        raise ValidationError(_l("The date taught cannot be in the future."), field="taught_on")
    check_in_school_year(taught_on, entry.school_year)
    entry.period = _clean_period(period)
    entry.taught_on = taught_on
    _flush_versioned(session)
    record_audit(session, actor, "plan.update", "plan_entry", entry.id,
                 json.dumps({"period": entry.period, "taught_on": taught_on.isoformat() if taught_on else None}))
    return entry


def set_taught(session: Session, entry: PlanEntry, version, taught_on: date | None, actor=None) -> PlanEntry:
    """Mark an entry as taught on a date (today by default), or as not taught (taught_on None)."""
    return update_plan_entry(session, entry, version, entry.period, taught_on, actor)


def remove_plan_entry(session: Session, entry: PlanEntry, version, actor=None) -> None:
    """Remove an entry; the school's plan history keeps it, so that it can be put back (`restore_plan_entry`)."""
    _check_version(entry, version)
    record_audit(session, actor, "plan.remove", "plan_entry", entry.id,
                 f"school {entry.school_id} {format_school_year(entry.school_year)} groep {entry.groep}")
    record_revision(session, PLAN_HISTORY, entry.school_id, {
        "entry_id": entry.id, "school_year": entry.school_year, "groep": entry.groep, "package_id": entry.package_id,
        "period": entry.period or "", "taught_on": entry.taught_on.isoformat() if entry.taught_on else None,
    }, "remove", actor)
    session.delete(entry)
    _flush_versioned(session)


PLAN_HISTORY = "school_plan"  # revisions of a school's plan: the entries removed from it


@dataclass
class RemovedEntry:
    number: int  # the revision number in the school's plan history
    removed_at: object
    author_name: str | None
    package_id: int
    package_title: str
    school_year: int
    groep: int
    period: str
    taught_on: date | None
    restorable: bool  # not planned again since

    @property
    def year_label(self) -> str:
        return format_school_year(self.school_year)


def removed_entries(session: Session, school_id: int, limit: int = 10) -> list[RemovedEntry]:
    """The entries removed from a school's plans, newest first (three queries)."""
    revisions = [r for r in revisions_for(session, PLAN_HISTORY, school_id) if r.action == "remove"][:limit]
    if not revisions:
        return []
    package_ids = {r.snapshot["package_id"] for r in revisions}
    titles = dict(session.execute(select(LessonPackage.id, LessonPackage.title)
                                  .where(LessonPackage.id.in_(sorted(package_ids)))).all())
    planned = set(session.execute(
        select(PlanEntry.school_year, PlanEntry.groep, PlanEntry.package_id)
        .where(PlanEntry.school_id == school_id, PlanEntry.package_id.in_(sorted(package_ids)))).tuples())
    result = []
    for r in revisions:
        snap = r.snapshot
        taught = date.fromisoformat(snap["taught_on"]) if snap.get("taught_on") else None
        key = (snap["school_year"], snap["groep"], snap["package_id"])
        result.append(RemovedEntry(r.number, r.created_at, r.author_name, snap["package_id"],
                                   titles.get(snap["package_id"], "?"), snap["school_year"], snap["groep"],
                                   snap.get("period", ""), taught, snap["package_id"] in titles and key not in planned))
    return result


def restore_plan_entry(session: Session, school: School, number: int, actor=None) -> PlanEntry:
    """Put a removed entry back as it was (period and taught date too), unless it has been planned again."""
    found = next((r for r in revisions_for(session, PLAN_HISTORY, school.id)
                  if r.number == number and r.action == "remove"), None)
    if found is None:
        raise NotFound(_l("This removed entry does not exist."))
    snap = found.snapshot
    package = session.get(LessonPackage, snap["package_id"])
    if package is None:
        raise ValidationError(_l("The lesson package of this entry no longer exists."))
    exists_again = session.scalar(select(PlanEntry.id).where(
        PlanEntry.school_id == school.id, PlanEntry.school_year == snap["school_year"],
        PlanEntry.groep == snap["groep"], PlanEntry.package_id == package.id))
    if exists_again is not None:
        raise ValidationError(_l("%(title)s is already in the plan of groep %(groep)s in %(year)s.",
                                 title=package.title, groep=snap["groep"],
                                 year=format_school_year(snap["school_year"])))
    entry = PlanEntry(school_id=school.id, school_year=snap["school_year"], groep=snap["groep"],
                      package_id=package.id, period=snap.get("period", ""),
                      taught_on=date.fromisoformat(snap["taught_on"]) if snap.get("taught_on") else None,
                      created_by_id=getattr(actor, "id", None))
    session.add(entry)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(_l("Someone planned this package again at the same moment.")) from None
    record_audit(session, actor, "plan.restore", "plan_entry", entry.id,
                 f"{school.code} {format_school_year(entry.school_year)} groep {entry.groep}: {package.title}")
    return entry


@dataclass
class CopyResult:
    copied: int
    already_there: int
    skipped_titles: list[str] = field(default_factory=list)  # withdrawn or draft packages, not copied


def copy_year_plan(session: Session, school: School, from_year: int, to_year: int, actor=None) -> CopyResult:
    """Copy a year's entries into another year without taught dates; unpublished packages are skipped."""
    if from_year == to_year:
        raise ValidationError(_l("Choose two different school years."), field="school_year")
    source = session.execute(
        select(PlanEntry.groep, PlanEntry.package_id, PlanEntry.period, LessonPackage.title, LessonPackage.status)
        .join(LessonPackage, LessonPackage.id == PlanEntry.package_id)
        .where(PlanEntry.school_id == school.id, PlanEntry.school_year == from_year)
        .order_by(PlanEntry.groep, LessonPackage.title)
    ).all()
    if not source:
        raise ValidationError(_l("There is no plan for %(year)s to copy.", year=format_school_year(from_year)),
                              field="school_year")
    existing = {(groep, package_id) for groep, package_id in session.execute(
        select(PlanEntry.groep, PlanEntry.package_id)
        .where(PlanEntry.school_id == school.id, PlanEntry.school_year == to_year))}
    result = CopyResult(0, 0)
    for row in source:
        if row.status != PackageStatus.PUBLISHED:
            if row.title not in result.skipped_titles:
                result.skipped_titles.append(row.title)
            continue
        if (row.groep, row.package_id) in existing:
            result.already_there += 1
            continue
        session.add(PlanEntry(school_id=school.id, school_year=to_year, groep=row.groep, package_id=row.package_id,
                              period=row.period, created_by_id=getattr(actor, "id", None)))
        result.copied += 1
    try:
        session.flush()
    except IntegrityError:
        # Entries were added to the new year at the same moment: nothing of this copy is kept.
        raise Conflict(_l("The plan for %(year)s was changed while it was being copied. Look at it, then copy "
                          "again if needed.", year=format_school_year(to_year))) from None
    record_audit(session, actor, "plan.copy", "school", school.id,
                 json.dumps({"label": f"{format_school_year(from_year)} → {format_school_year(to_year)}",
                             "copied": result.copied}))
    return result


@dataclass
class PackageChoice:
    id: int
    title: str
    groepen: list[int]


def plannable_packages(session: Session) -> list[PackageChoice]:
    """Published packages, for the 'add to plan' select box (one query, only the needed columns). Outside
    materials are planned from their own page."""
    rows = session.execute(
        select(LessonPackage.id, LessonPackage.title, LessonPackage.groepen_mask)
        .where(LessonPackage.status == PackageStatus.PUBLISHED, LessonPackage.kind == PackageKind.OWN)
        .order_by(LessonPackage.title)
    )
    return [PackageChoice(r.id, r.title, from_mask(r.groepen_mask)) for r in rows]
