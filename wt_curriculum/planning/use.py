"""How much each lesson package is used: the schools and networks that plan it and how often it was marked
taught, per school year. School-level only (no pupil data); archived schools do not count.

Every function is set-based: one grouped query, whatever the number of packages.
"""
from dataclasses import dataclass

from flask_babel import format_decimal
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from ..core.hooks import Section
from ..lessons.models import LessonPackage, PackageStatus
from ..lessons.search import package_use_source
from ..lessons.services import OWN_PACKAGES, package_page_shared_sections
from ..organisations.models import School
from ..schoolyears import current_school_year, format_school_year
from .models import PlanEntry


@dataclass(frozen=True)
class Use:
    schools: int = 0  # schools that plan the package (in any groep)
    networks: int = 0  # networks those schools belong to
    taught: int = 0  # plan entries marked taught

    def as_dict(self) -> dict:
        return {"schools": self.schools, "networks": self.networks, "taught": self.taught}


@dataclass(frozen=True)
class YearUse:
    year: int
    use: Use

    @property
    def year_label(self) -> str:
        return format_school_year(self.year)


def use_subquery(year: int):
    """(package_id, schools, networks, taught) for one school year, as a subquery to join."""
    return (
        select(PlanEntry.package_id.label("package_id"),
               func.count(distinct(PlanEntry.school_id)).label("schools"),
               func.count(distinct(School.network_id)).label("networks"),
               func.count(PlanEntry.taught_on).label("taught"))
        .join(School, School.id == PlanEntry.school_id)
        .where(PlanEntry.school_year == year, School.archived.is_(False))
        .group_by(PlanEntry.package_id)
        .subquery("package_use")
    )


def package_use(session: Session, package_ids: list[int], year: int) -> dict[int, Use]:
    """The use of each package in one school year (Use() for a package nobody plans): one query."""
    result = {pid: Use() for pid in package_ids}
    if not package_ids:
        return result
    use = use_subquery(year)
    for pid, schools, networks, taught in session.execute(
            select(use.c.package_id, use.c.schools, use.c.networks, use.c.taught)
            .where(use.c.package_id.in_(list(package_ids)))):
        result[pid] = Use(schools, networks, taught)
    return result


def package_use_by_year(session: Session, package_id: int) -> list[YearUse]:
    """Every school year in which the package is planned, newest first: one query."""
    rows = session.execute(
        select(PlanEntry.school_year, func.count(distinct(PlanEntry.school_id)),
               func.count(distinct(School.network_id)), func.count(PlanEntry.taught_on))
        .join(School, School.id == PlanEntry.school_id)
        .where(PlanEntry.package_id == package_id, School.archived.is_(False))
        .group_by(PlanEntry.school_year).order_by(PlanEntry.school_year.desc()))
    return [YearUse(year, Use(schools, networks, taught)) for year, schools, networks, taught in rows]


@package_use_source.register
def _use_for_search(year: int):
    return use_subquery(year)


@package_page_shared_sections.register
def _use_section(session: Session, package):
    """The package page says how many schools in how many networks plan it, this school year and before."""
    years = package_use_by_year(session, package.id)
    current = current_school_year()
    this_year = next((y.use for y in years if y.year == current), Use())
    return Section("planning/_package_use.html", {
        "use_years": years, "use_now": this_year, "format_number": format_decimal,
        "use_year_label": format_school_year(current)}, order=50)


@dataclass(frozen=True)
class NetworkPackageUse:
    """A network's lesson package and how its schools (of any network) use it in one school year."""

    id: int
    title: str
    status: str
    use: Use


def network_package_use(session: Session, network_id: int, year: int) -> list[NetworkPackageUse]:
    """Every package of a network that is not withdrawn, with its use in `year`, most used first: one query.
    The network's own packages: not the outside materials its sources brought in and schools planned."""
    use = use_subquery(year)
    rows = session.execute(
        select(LessonPackage.id, LessonPackage.title, LessonPackage.status,
               func.coalesce(use.c.schools, 0), func.coalesce(use.c.networks, 0), func.coalesce(use.c.taught, 0))
        .outerjoin(use, use.c.package_id == LessonPackage.id)
        .where(LessonPackage.network_id == network_id, LessonPackage.status != PackageStatus.WITHDRAWN, OWN_PACKAGES)
        .order_by(func.coalesce(use.c.schools, 0).desc(), LessonPackage.title, LessonPackage.id))
    return [NetworkPackageUse(pid, title, status, Use(schools, networks, taught))
            for pid, title, status, schools, networks, taught in rows]
