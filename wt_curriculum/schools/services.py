"""Schools, networks and year plans: plain functions that take the session."""
import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..core.services import record_audit
from ..errors import Conflict, NotFound, ValidationError
from ..groepen import ALL_GROEPEN, bit, from_mask
from ..groepen import label as groepen_label
from .models import Network, PlanEntry, School


def list_networks(session: Session, include_archived: bool = False) -> list[Network]:
    query = select(Network).order_by(Network.name)
    if not include_archived:
        query = query.where(Network.archived.is_(False))
    return list(session.scalars(query))


def list_schools(session: Session, network_id: int | None = None, include_archived: bool = False) -> list[School]:
    query = select(School).order_by(School.name)
    if network_id is not None:
        query = query.where(School.network_id == network_id)
    if not include_archived:
        query = query.where(School.archived.is_(False))
    return list(session.scalars(query))


def school_by_code(session: Session, code: str) -> School | None:
    """A school by its BRIN + vestiging code, e.g. 12AB00 (vestiging 00 when only BRIN is given)."""
    code = (code or "").strip().upper()
    brin, vestiging = code[:4], code[4:] or "00"
    return session.scalar(select(School).where(School.brin == brin, School.vestiging == vestiging))


def network_by_code(session: Session, code: str) -> Network | None:
    return session.scalar(select(Network).where(Network.code == (code or "").strip().upper()))


# --- School years: stored as the start year (2026 = school year 2026-2027) -------------------
def format_school_year(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


def parse_school_year(text: str) -> int:
    """'2026-2027' -> 2026. Raises ValidationError for anything else."""
    text = (text or "").strip()
    parts = text.split("-")
    if len(parts) == 2 and all(p.isdigit() and len(p) == 4 for p in parts):
        start, end = int(parts[0]), int(parts[1])
        if end == start + 1 and 2000 <= start <= 2100:
            return start
    raise ValidationError(_l("A school year is written as 2026-2027."), field="school_year")


def current_school_year(today=None) -> int:
    """The school year runs from 1 August: on 25 November 2026 it is 2026-2027."""
    today = today or date.today()
    return today.year if today.month >= 8 else today.year - 1


def school_year_choices(around: int | None = None) -> list[tuple[str, str]]:
    """Last year, this year and the next two, for select boxes."""
    current = around or current_school_year()
    return [(format_school_year(y), format_school_year(y)) for y in range(current - 1, current + 3)]


# --- Networks and schools: administration ----------------------------------------------------
@dataclass
class NetworkData:
    code: str
    name: str
    region: str = ""


@dataclass
class SchoolData:
    name: str
    brin: str
    vestiging: str = "00"
    place: str = ""
    network_id: int | None = None


BRIN_PATTERN = re.compile(r"^[0-9]{2}[A-Z]{2}$")
VESTIGING_PATTERN = re.compile(r"^[0-9]{2}$")
NETWORK_CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")


def clean_network_data(data: NetworkData) -> NetworkData:
    """Normalise and check a network's fields; raises ValidationError naming the field."""
    code = (data.code or "").strip().upper()
    name = (data.name or "").strip()
    region = (data.region or "").strip()
    if not NETWORK_CODE_PATTERN.match(code):
        raise ValidationError(_l("A network code has 1 to 20 letters, digits or hyphens, e.g. WT-UTR."), field="code")
    if not name or len(name) > 200:
        raise ValidationError(_l("Give the network a name (at most 200 characters)."), field="name")
    if len(region) > 100:
        raise ValidationError(_l("The region has at most 100 characters."), field="region")
    return NetworkData(code=code, name=name, region=region)


def clean_school_data(data: SchoolData) -> SchoolData:
    """Normalise and check a school's fields: BRIN is 2 digits + 2 letters, vestiging 2 digits."""
    brin = (data.brin or "").strip().upper()
    vestiging = (data.vestiging or "").strip() or "00"
    if vestiging.isdigit() and len(vestiging) == 1:
        vestiging = vestiging.zfill(2)
    name = (data.name or "").strip()
    place = (data.place or "").strip()
    if not BRIN_PATTERN.match(brin):
        raise ValidationError(_l("A BRIN code is two digits and two letters, e.g. 12AB."), field="brin")
    if not VESTIGING_PATTERN.match(vestiging):
        raise ValidationError(_l("A vestiging number is two digits, e.g. 00."), field="vestiging")
    if not name or len(name) > 200:
        raise ValidationError(_l("Give the school a name (at most 200 characters)."), field="name")
    if len(place) > 100:
        raise ValidationError(_l("The place has at most 100 characters."), field="place")
    return SchoolData(name=name, brin=brin, vestiging=vestiging, place=place, network_id=data.network_id)


def get_network(session: Session, network_id: int) -> Network:
    network = session.get(Network, network_id)
    if network is None:
        raise NotFound(_l("This network does not exist."))
    return network


def get_school(session: Session, school_id: int) -> School:
    school = session.get(School, school_id)
    if school is None:
        raise NotFound(_l("This school does not exist."))
    return school


def create_network(session: Session, data: NetworkData, actor=None) -> Network:
    data = clean_network_data(data)
    if network_by_code(session, data.code) is not None:
        raise ValidationError(_l("There is already a network with code %(code)s.", code=data.code), field="code")
    network = Network(code=data.code, name=data.name, region=data.region)
    session.add(network)
    session.flush()
    record_audit(session, actor, "network.create", "network", network.id, f"{data.code} {data.name}")
    return network


def update_network(session: Session, network: Network, data: NetworkData, actor=None) -> Network:
    data = clean_network_data(data)
    other = network_by_code(session, data.code)
    if other is not None and other.id != network.id:
        raise ValidationError(_l("There is already a network with code %(code)s.", code=data.code), field="code")
    network.code, network.name, network.region = data.code, data.name, data.region
    session.flush()
    record_audit(session, actor, "network.update", "network", network.id, f"{data.code} {data.name}")
    return network


def _check_network(session: Session, network_id: int | None) -> None:
    if network_id is not None and session.get(Network, network_id) is None:
        raise ValidationError(_l("Choose an existing network."), field="network_id")


def create_school(session: Session, data: SchoolData, actor=None) -> School:
    data = clean_school_data(data)
    _check_network(session, data.network_id)
    if school_by_code(session, data.brin + data.vestiging) is not None:
        raise ValidationError(_l("There is already a school with code %(code)s.", code=data.brin + data.vestiging),
                              field="brin")
    school = School(name=data.name, brin=data.brin, vestiging=data.vestiging, place=data.place,
                    network_id=data.network_id)
    session.add(school)
    session.flush()
    record_audit(session, actor, "school.create", "school", school.id, f"{school.code} {school.name}")
    return school


def update_school(session: Session, school: School, data: SchoolData, actor=None) -> School:
    data = clean_school_data(data)
    _check_network(session, data.network_id)
    other = school_by_code(session, data.brin + data.vestiging)
    if other is not None and other.id != school.id:
        raise ValidationError(_l("There is already a school with code %(code)s.", code=data.brin + data.vestiging),
                              field="brin")
    school.name, school.brin, school.vestiging = data.name, data.brin, data.vestiging
    school.place, school.network_id = data.place, data.network_id
    session.flush()
    record_audit(session, actor, "school.update", "school", school.id, f"{school.code} {school.name}")
    return school


def set_network_archived(session: Session, network: Network, archived: bool, actor=None) -> None:
    network.archived = archived
    session.flush()
    record_audit(session, actor, "network.archive" if archived else "network.restore", "network", network.id,
                 network.code)


def set_school_archived(session: Session, school: School, archived: bool, actor=None) -> None:
    school.archived = archived
    session.flush()
    record_audit(session, actor, "school.archive" if archived else "school.restore", "school", school.id,
                 school.code)


def delete_school(session: Session, school: School, actor=None) -> None:
    """Delete a school without history; one with year plans or accounts must be archived instead."""
    from ..auth.models import User

    if session.scalar(select(PlanEntry.id).where(PlanEntry.school_id == school.id).limit(1)) is not None:
        raise Conflict(_l("%(name)s has year plans and cannot be deleted: archive it instead.", name=school.name))
    if session.scalar(select(User.id).where(User.school_id == school.id).limit(1)) is not None:
        raise Conflict(_l("%(name)s still has accounts and cannot be deleted: archive it instead.", name=school.name))
    record_audit(session, actor, "school.delete", "school", school.id, f"{school.code} {school.name}")
    session.delete(school)
    session.flush()


def delete_network(session: Session, network: Network, actor=None) -> None:
    """Delete an empty network; one with schools, packages or accounts must be archived instead."""
    from ..auth.models import User
    from ..lessons.models import LessonPackage

    has_plans = session.scalar(
        select(PlanEntry.id).join(School, School.id == PlanEntry.school_id)
        .where(School.network_id == network.id).limit(1)
    )
    if has_plans is not None:
        raise Conflict(_l("%(name)s has schools with year plans and cannot be deleted: archive it instead.",
                          name=network.name))
    in_use = (
        session.scalar(select(School.id).where(School.network_id == network.id).limit(1)) is not None
        or session.scalar(select(LessonPackage.id).where(LessonPackage.network_id == network.id).limit(1)) is not None
        or session.scalar(select(User.id).where(User.network_id == network.id).limit(1)) is not None
    )
    if in_use:
        raise Conflict(_l("%(name)s still has schools, lesson packages or accounts and cannot be deleted: "
                          "archive it instead.", name=network.name))
    record_audit(session, actor, "network.delete", "network", network.id, f"{network.code} {network.name}")
    session.delete(network)
    session.flush()


@dataclass
class SchoolRow:
    id: int
    name: str
    code: str
    place: str
    network_id: int | None
    network_name: str | None
    archived: bool


@dataclass
class NetworkRow:
    id: int
    code: str
    name: str
    region: str
    archived: bool
    school_count: int


def school_overview(session: Session, include_archived: bool = True) -> tuple[list[NetworkRow], list[SchoolRow]]:
    """All networks (with their number of schools) and all schools with their network's name: two queries."""
    counts = (
        select(School.network_id, func.count(School.id).label("n"))
        .where(School.archived.is_(False)).group_by(School.network_id).subquery()
    )
    nq = (
        select(Network, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.network_id == Network.id).order_by(Network.name)
    )
    sq = select(School, Network.name).outerjoin(Network, Network.id == School.network_id).order_by(School.name)
    if not include_archived:
        nq = nq.where(Network.archived.is_(False))
        sq = sq.where(School.archived.is_(False))
    networks = [NetworkRow(n.id, n.code, n.name, n.region, n.archived, count) for n, count in session.execute(nq)]
    schools = [SchoolRow(s.id, s.name, s.code, s.place, s.network_id, network_name, s.archived)
               for s, network_name in session.execute(sq)]
    return networks, schools


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
    from ..lessons.models import LessonPackage

    query = (
        select(PlanEntry.id, PlanEntry.groep, PlanEntry.package_id, LessonPackage.title, LessonPackage.status,
               LessonPackage.groepen_mask, PlanEntry.period, PlanEntry.taught_on, PlanEntry.version)
        .join(LessonPackage, LessonPackage.id == PlanEntry.package_id)
        .where(PlanEntry.school_id == school.id, PlanEntry.school_year == year)
        .order_by(PlanEntry.groep, PlanEntry.period, LessonPackage.title)
    )
    if groep is not None:
        query = query.where(PlanEntry.groep == groep)
    rows = [PlanRow(r.id, r.groep, r.package_id, r.title, r.status, from_mask(r.groepen_mask), r.period or "",
                    r.taught_on, r.version) for r in session.execute(query)]
    previous = session.scalar(
        select(PlanEntry.id).where(PlanEntry.school_id == school.id, PlanEntry.school_year == year - 1).limit(1)
    )
    return YearPlan(school.id, school.name, year, rows, previous is not None)


def parse_groep(value) -> int:
    try:
        groep = int(str(value).strip())
    except (TypeError, ValueError):
        groep = 0
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
    from ..lessons.models import LessonPackage, PackageStatus

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
    entry.period = _clean_period(period)
    entry.taught_on = taught_on
    _flush_versioned(session)
    record_audit(session, actor, "plan.update", "plan_entry", entry.id, f"period={entry.period} taught={taught_on}")
    return entry


def set_taught(session: Session, entry: PlanEntry, version, taught_on: date | None, actor=None) -> PlanEntry:
    """Mark an entry as taught on a date (today by default), or as not taught (taught_on None)."""
    return update_plan_entry(session, entry, version, entry.period, taught_on, actor)


def remove_plan_entry(session: Session, entry: PlanEntry, version, actor=None) -> None:
    _check_version(entry, version)
    record_audit(session, actor, "plan.remove", "plan_entry", entry.id,
                 f"school {entry.school_id} {format_school_year(entry.school_year)} groep {entry.groep}")
    session.delete(entry)
    _flush_versioned(session)


@dataclass
class CopyResult:
    copied: int
    already_there: int
    skipped_titles: list[str] = field(default_factory=list)  # withdrawn or draft packages, not copied


def copy_year_plan(session: Session, school: School, from_year: int, to_year: int, actor=None) -> CopyResult:
    """Copy a year's entries into another year without taught dates; unpublished packages are skipped."""
    from ..lessons.models import LessonPackage, PackageStatus

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
                 f"{format_school_year(from_year)} -> {format_school_year(to_year)}: {result.copied} copied")
    return result


@dataclass
class PackageChoice:
    id: int
    title: str
    groepen: list[int]


def plannable_packages(session: Session) -> list[PackageChoice]:
    """Published packages, for the 'add to plan' select box (one query, only the needed columns)."""
    from ..lessons.models import LessonPackage, PackageStatus

    rows = session.execute(
        select(LessonPackage.id, LessonPackage.title, LessonPackage.groepen_mask)
        .where(LessonPackage.status == PackageStatus.PUBLISHED).order_by(LessonPackage.title)
    )
    return [PackageChoice(r.id, r.title, from_mask(r.groepen_mask)) for r in rows]
