"""Year plans: one row per package planned in a groep of a school in a school year.

A row is matched by school, school year, groep and package; rows that are not in the file are
left as they are (an import never removes plan entries). Writes go through the planning services.
"""
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.permissions import can_edit_school_plan
from ..errors import Forbidden, ValidationError
from ..lessons.models import LessonPackage, PackageStatus
from ..organisations import services as organisations
from ..organisations.models import School
from ..planning import services as planning
from ..planning.models import PlanEntry
from ..schoolyears import check_in_school_year, format_school_year, parse_school_year
from ..tables import Table
from .base import (
    ADD,
    CHANGE,
    SAME,
    Column,
    Columns,
    Preview,
    RowError,
    RowPlan,
    at_line,
    check_duplicates,
    diff,
    limited,
    parse_date,
)

NAME = "plans"
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
COLUMNS = Columns([
    Column("school", ("brin", "school_code", "schoolcode", "brin_vestiging"),
           _l("The school's BRIN code and vestiging number, e.g. 12AB00."), required=True),
    Column("school_year", ("schooljaar", "jaar", "year"), _l("The school year, e.g. 2026-2027."), required=True),
    Column("groep", ("group", "grade"), _l("The groep, 1 to 8."), required=True),
    Column("package", ("lespakket", "pakket", "package_uuid"),
           _l("The lesson package: its uuid, or its exact title."), required=True),
    Column("period", ("periode", "week"), _l("The period or week, at most 20 characters, e.g. periode 2.")),
    Column("taught_on", ("gegeven_op", "gegeven", "datum_gegeven", "taught"),
           _l("The date it was taught, as DD-MM-YYYY or YYYY-MM-DD; empty when not yet taught.")),
    Column("package_title", ("titel_lespakket", "lespakket_titel"),
           _l("The package's title, written by exports for reading; ignored by imports."), ignored=True),
])


@dataclass
class PlanRowData:
    school: School
    year: int
    groep: int
    package: LessonPackage
    period: str
    taught_on: date | None


@dataclass
class PlanPlan:
    row: PlanRowData
    entry_id: int | None


def _lookups(session: Session, records):
    """Schools, packages and existing entries named in the file, in a few queries."""
    codes = {r["school"].strip().upper() for _, r in records if r["school"]}
    brins = {c[:4] for c in codes}
    schools_by_code = {}
    for chunk in _chunks(sorted(brins)):
        for school in session.scalars(select(School).where(School.brin.in_(chunk))):
            schools_by_code[school.code] = school
    uuids = {r["package"].lower() for _, r in records if UUID.match(r["package"])}
    titles = {r["package"] for _, r in records if r["package"] and not UUID.match(r["package"])}
    by_uuid, by_title = {}, {}
    for chunk in _chunks(sorted(uuids)):
        by_uuid.update({p.uuid: p for p in session.scalars(select(LessonPackage).where(LessonPackage.uuid.in_(chunk)))})
    for chunk in _chunks(sorted(titles)):
        for package in session.scalars(select(LessonPackage).where(LessonPackage.title.in_(chunk))):
            by_title.setdefault(package.title, []).append(package)
    school_ids = {s.id for s in schools_by_code.values()}
    entries = {}
    for chunk in _chunks(sorted(school_ids)):
        for entry in session.scalars(select(PlanEntry).where(PlanEntry.school_id.in_(chunk))):
            entries[(entry.school_id, entry.school_year, entry.groep, entry.package_id)] = entry
    return schools_by_code, by_uuid, by_title, entries


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _school(code: str, schools_by_code: dict[str, School]) -> School:
    code = code.strip().upper()
    if len(code) == 4:
        code += "00"
    school = schools_by_code.get(code)
    if school is None:
        raise RowError(_l("There is no school with code “%(code)s” (BRIN and vestiging, e.g. 12AB00).", code=code[:20]))
    return school


def _package(text: str, by_uuid, by_title) -> LessonPackage:
    if UUID.match(text):
        package = by_uuid.get(text.lower())
        if package is None:
            raise RowError(_l("There is no lesson package with uuid %(uuid)s.", uuid=text))
        return package
    found = by_title.get(text, [])
    if not found:
        raise RowError(_l("There is no lesson package called “%(title)s” (the title must match exactly).",
                          title=text[:80]))
    if len(found) > 1:
        raise RowError(_l("Several lesson packages are called “%(title)s”: use the package's uuid.", title=text[:80]))
    return found[0]


def _parse(record, user, schools_by_code, by_uuid, by_title) -> PlanRowData:
    school = _school(record["school"], schools_by_code)
    if not can_edit_school_plan(user, school):
        raise RowError(_l("You can only import the year plan of your own school, not of %(code)s.", code=school.code))
    try:
        year = parse_school_year(record["school_year"])
        groep = planning.parse_groep(record["groep"])
    except ValidationError as error:
        raise RowError(error.message) from None
    if not record["package"]:
        raise RowError(_l("Fill in the lesson package (its uuid or its title)."))
    package = _package(record["package"], by_uuid, by_title)
    period = limited(record["period"], "period", 20)
    taught_on = parse_date(record["taught_on"], "taught_on")
    if taught_on is not None and taught_on > date.today():
        raise RowError(_l("The date taught cannot be in the future."))
    try:
        check_in_school_year(taught_on, year)
    except ValidationError as error:
        raise RowError(error.message) from None
    return PlanRowData(school, year, groep, package, period, taught_on)


def preview(session: Session, table: Table, user) -> Preview:
    """What importing the plan rows would add, change or leave alone, and every problem (writes nothing)."""
    result = Preview(NAME)
    records, result.errors = COLUMNS.records(table)
    schools_by_code, by_uuid, by_title, entries = _lookups(session, records)
    parsed = []
    for line, record in records:
        try:
            parsed.append((line, _parse(record, user, schools_by_code, by_uuid, by_title)))
        except RowError as error:
            result.error(line, error.message)
    bad = check_duplicates(
        result, [(line, (r.school.id, r.year, r.groep, r.package.id)) for line, r in parsed],
        lambda key: _l("the package in groep %(groep)s of %(year)s", groep=key[2],
                       year=format_school_year(key[1])))
    for line, row in parsed:
        if line in bad:
            continue
        key = f"{row.school.code} {format_school_year(row.year)} groep {row.groep}"
        entry = entries.get((row.school.id, row.year, row.groep, row.package.id))
        if entry is None:
            if row.package.status != PackageStatus.PUBLISHED:
                result.error(line, _l("%(title)s is not published (it is a draft or has been withdrawn) and cannot "
                                      "be planned.", title=row.package.title))
                continue
            result.rows.append(RowPlan(line, key, row.package.title, ADD, [], PlanPlan(row, None)))
            continue
        changes = diff([("period", entry.period or "", row.period),
                        ("taught_on", entry.taught_on.isoformat() if entry.taught_on else "",
                         row.taught_on.isoformat() if row.taught_on else "")])
        result.rows.append(RowPlan(line, key, row.package.title, CHANGE if changes else SAME, changes,
                                   PlanPlan(row, entry.id)))
    result.rows.sort(key=lambda r: r.line)
    return result


def apply(session: Session, result: Preview, user, progress=None) -> None:
    """Write the previewed plan rows through the planning services."""

    for done, row_plan in enumerate(result.rows, 1):
        if progress is not None:
            progress(done)
        plan: PlanPlan = row_plan.data
        row = plan.row
        if row_plan.action == SAME:
            continue
        with at_line(row_plan.line):
            if plan.entry_id is None:
                entry = planning.add_plan_entry(session, row.school, row.package.id, row.year, row.groep, row.period,
                                               user).entry
                if row.taught_on is None:
                    continue
            else:
                entry = planning.get_plan_entry(session, plan.entry_id)
            planning.update_plan_entry(session, entry, entry.version, row.period, row.taught_on, user)


def export(session: Session, user, school_id: int | None, year: int | None) -> tuple[list[str], list[list[str]]]:
    """One school's plan rows (one year, or all years), for its coordinator or an administrator."""
    if school_id is None:
        school_id = getattr(user, "school_id", None)
        if school_id is None:
            raise ValidationError(_l("Choose a school."))
    school = organisations.get_school(session, school_id)
    if not can_edit_school_plan(user, school):
        raise Forbidden(_l("You can only export the year plan of your own school."))
    query = (
        select(PlanEntry, LessonPackage.uuid, LessonPackage.title)
        .join(LessonPackage, LessonPackage.id == PlanEntry.package_id)
        .where(PlanEntry.school_id == school.id)
        .order_by(PlanEntry.school_year, PlanEntry.groep, PlanEntry.period, LessonPackage.title, PlanEntry.id)
    )
    if year is not None:
        query = query.where(PlanEntry.school_year == year)
    rows = [[school.code, format_school_year(e.school_year), str(e.groep), package_uuid, e.period or "",
             e.taught_on.isoformat() if e.taught_on else "", title]
            for e, package_uuid, title in session.execute(query)]
    return COLUMNS.names, rows
