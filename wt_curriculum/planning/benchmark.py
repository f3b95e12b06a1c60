"""A network against the country, and the country over the years: read services for the benchmark and the
national picture (their charts: planning/charts.py; their pages and PDFs: the reports area).

Every share follows the one rule of planning/coverage.py: a published goal counts as covered for a school
in a school year when a package aligned to it is planned in one of the groepen the goal is meant for. Shares
are over today's published framework (as the national summary counts them), so years compare on one scale.

- **Per strand**, a school's share is the strand's published goals it covers; **per kerndoel**, the share of
  the kerndoel's doelzinnen (its leaves; a kerndoel of a flat set is its own leaf) reached through the
  crosswalk. Only schools with a plan for the year count; a school with a plan that covers nothing in a strand
  counts as 0.
- The **network** value of a year is the median over its schools with a plan; the **national** values are the
  median and the interquartile range (first to third quartile) over all schools with a plan.
- **Adoption**: how many of the (active) schools have a plan for the year, and their median coverage; per
  network and per province (the school's province from DUO's file).

A fixed number of queries whatever the number of schools, years or plan rows.
"""
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, literal, select
from sqlalchemy.orm import Session, aliased

from ..errors import NotFound, ValidationError
from ..lessons.models import Alignment
from ..objectives.models import Domain, Goal, GoalStatus, Strand
from ..organisations.models import Network, School
from ..organisations.provinces import PROVINCES
from ..references.models import CrosswalkLink, ReferenceFramework, ReferenceNode
from ..schoolyears import format_school_year
from .models import PlanEntry, SchoolYearCoverage

BENCHMARK_YEARS = 3  # the school years a benchmark shows, ending with the chosen one
PICTURE_YEARS = 5  # the school years of the national picture


def year_span(last: int, count: int) -> list[int]:
    """The `count` school years ending with `last`, oldest first."""
    if not 1 <= count <= 10:
        raise ValidationError(_l("Choose between 1 and 10 school years."), field="years")
    return list(range(last - count + 1, last + 1))


# --- Shapes ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spread:
    """Shares (0..1) of a group of schools in one school year: how many, the median and the quartiles."""

    schools: int
    median: float | None
    low: float | None  # first quartile
    high: float | None  # third quartile


def spread(values: list[float]) -> Spread:
    if not values:
        return Spread(0, None, None, None)
    if len(values) == 1:
        return Spread(1, values[0], values[0], values[0])
    low, median, high = statistics.quantiles(values, n=4, method="inclusive")
    return Spread(len(values), median, low, high)


@dataclass(frozen=True)
class BenchmarkPoint:
    year: int
    network: Spread
    national: Spread

    @property
    def year_label(self) -> str:
        return format_school_year(self.year)

    @property
    def difference(self) -> float | None:
        """The network's median minus the national median (None when either has no school with a plan)."""
        if self.network.median is None or self.national.median is None:
            return None
        return self.network.median - self.national.median


@dataclass
class BenchmarkSeries:
    code: str
    title: str
    points: list[BenchmarkPoint]  # one per school year, oldest first

    @property
    def latest(self) -> BenchmarkPoint:
        return self.points[-1]


@dataclass
class NetworkBenchmark:
    network_id: int
    network_name: str
    network_code: str
    years: list[int]
    schools: int  # the network's active schools
    overall: BenchmarkSeries  # all published goals
    strands: list[BenchmarkSeries]
    kerndoel_set: str  # the reference set's key ('' when it is not loaded)
    kerndoel_set_title: str
    kerndoelen: list[BenchmarkSeries]

    @property
    def year_labels(self) -> list[str]:
        return [format_school_year(y) for y in self.years]

    @property
    def last_year_label(self) -> str:
        return format_school_year(self.years[-1])

    @property
    def has_plans(self) -> bool:
        return any(p.network.schools for p in self.overall.points)


# --- Shared reads ------------------------------------------------------------------------------
def _groep_bit():
    return literal(1).op("<<")(PlanEntry.groep - 1)


def _covering(years: list[int]) -> tuple:
    return (PlanEntry.school_year.in_(years), Goal.status == GoalStatus.PUBLISHED,
            Goal.groepen_mask.op("&")(_groep_bit()) != 0)


def _schools_with_plan(session: Session, years: list[int]) -> dict[int, dict[int, int]]:
    """{year: {school_id: covered goals}} for the active schools with a plan, from the aggregates table."""
    out: dict[int, dict[int, int]] = {y: {} for y in years}
    for year, school_id, covered in session.execute(
        select(SchoolYearCoverage.school_year, SchoolYearCoverage.school_id, SchoolYearCoverage.covered)
        .join(School, School.id == SchoolYearCoverage.school_id)
        .where(SchoolYearCoverage.school_year.in_(years), SchoolYearCoverage.entries > 0,
               School.archived.is_(False))
    ):
        out[year][school_id] = covered
    return out


def _series(code, title, years, values_for, network_schools) -> BenchmarkSeries:
    """values_for(year) -> {school_id: share} for every school with a plan that year."""
    points = []
    for year in years:
        shares = values_for(year)
        points.append(BenchmarkPoint(year, spread([v for s, v in shares.items() if s in network_schools]),
                                     spread(list(shares.values()))))
    return BenchmarkSeries(code, title, points)


# --- A network against the country ---------------------------------------------------------------
def network_benchmark(session: Session, network_id: int, last_year: int, count: int = BENCHMARK_YEARS,
                      kerndoel_set: str = "kd2025-po") -> NetworkBenchmark:
    """The network's median coverage per strand and per kerndoel against the national median and
    interquartile range, for the `count` school years ending with `last_year`. Seven queries."""
    network = session.get(Network, network_id)
    if network is None:
        raise NotFound(_l("This network does not exist."))
    years = year_span(last_year, count)
    network_schools = set(session.scalars(
        select(School.id).where(School.network_id == network_id, School.archived.is_(False))))
    planning = _schools_with_plan(session, years)

    strands = session.execute(
        select(Strand.id, Strand.code, Strand.title, func.count(Goal.id))
        .join(Goal, Goal.strand_id == Strand.id).join(Domain, Domain.id == Strand.domain_id)
        .where(Goal.status == GoalStatus.PUBLISHED)
        .group_by(Strand.id, Strand.code, Strand.title, Domain.position, Domain.code, Strand.position)
        .order_by(Domain.position, Domain.code, Strand.position, Strand.code)
    ).all()
    total_goals = sum(n for *_, n in strands)
    per_strand: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)  # (year, strand) -> {school: n}
    for year, school_id, strand_id, n in session.execute(
        select(PlanEntry.school_year, PlanEntry.school_id, Goal.strand_id, func.count(distinct(Goal.id)))
        .join(Alignment, Alignment.package_id == PlanEntry.package_id)
        .join(Goal, Goal.id == Alignment.goal_id)
        .where(*_covering(years))
        .group_by(PlanEntry.school_year, PlanEntry.school_id, Goal.strand_id)
    ):
        per_strand[(year, strand_id)][school_id] = n

    def overall_for(year):
        return {s: (n / total_goals if total_goals else 0.0) for s, n in planning[year].items()}

    def strand_for(strand_id, total):
        def values(year):
            found = per_strand.get((year, strand_id), {})
            return {s: found.get(s, 0) / total for s in planning[year]}
        return values

    overall = _series("", str(_l("All goals")), years, overall_for, network_schools)
    strand_series = [_series(code, title, years, strand_for(sid, total), network_schools)
                     for sid, code, title, total in strands if total]

    framework = session.scalar(select(ReferenceFramework).where(ReferenceFramework.key == kerndoel_set))
    kerndoel_series: list[BenchmarkSeries] = []
    if framework is not None:
        kerndoel_series = _kerndoel_series(session, framework.id, years, planning, network_schools)
    return NetworkBenchmark(network.id, network.name, network.code, years, len(network_schools), overall,
                            strand_series, framework.key if framework else "", framework.title if framework else "",
                            kerndoel_series)


def _kerndoel_series(session, framework_id, years, planning, network_schools) -> list[BenchmarkSeries]:
    nodes = session.execute(
        select(ReferenceNode.id, ReferenceNode.parent_id, ReferenceNode.code, ReferenceNode.short_title)
        .where(ReferenceNode.framework_id == framework_id).order_by(ReferenceNode.position, ReferenceNode.code)
    ).all()
    parents = {n.id: n.parent_id for n in nodes}
    has_children = {n.parent_id for n in nodes if n.parent_id is not None}

    def top(node_id):
        while parents.get(node_id) is not None:
            node_id = parents[node_id]
        return node_id

    leaves_under: dict[int, int] = defaultdict(int)
    for n in nodes:
        if n.id not in has_children:
            leaves_under[top(n.id)] += 1
    per_top: dict[tuple[int, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    inner = aliased(ReferenceNode)
    # (year, school, leaf) pairs, distinct, counted per (year, school, the leaf's parent) in SQL.
    pairs = (
        select(PlanEntry.school_year, PlanEntry.school_id, CrosswalkLink.node_id)
        .join(Alignment, Alignment.package_id == PlanEntry.package_id)
        .join(Goal, Goal.id == Alignment.goal_id)
        .join(CrosswalkLink, CrosswalkLink.goal_id == Goal.id)
        .join(ReferenceNode, ReferenceNode.id == CrosswalkLink.node_id)
        .where(*_covering(years), ReferenceNode.framework_id == framework_id,
               ReferenceNode.id.not_in(select(inner.parent_id).where(
                   inner.framework_id == framework_id, inner.parent_id.is_not(None))))
        .distinct().subquery()
    )
    parent = func.coalesce(ReferenceNode.parent_id, ReferenceNode.id)
    for year, school_id, key, n in session.execute(
        select(pairs.c.school_year, pairs.c.school_id, parent, func.count())
        .join(ReferenceNode, ReferenceNode.id == pairs.c.node_id)
        .group_by(pairs.c.school_year, pairs.c.school_id, parent)
    ):
        per_top[(year, top(key))][school_id] += n

    def values_for(node_id):
        total = leaves_under[node_id]

        def values(year):
            found = per_top.get((year, node_id), {})
            return {s: found.get(s, 0) / total for s in planning[year]}
        return values

    return [_series(n.code, n.short_title, years, values_for(n.id), network_schools)
            for n in nodes if n.parent_id is None and leaves_under[n.id]]


# --- The country over the years ------------------------------------------------------------------
@dataclass(frozen=True)
class Adoption:
    """One group of schools in one school year: how many schools, how many with a plan, their median."""

    year: int
    schools: int
    with_plan: int
    median: float | None  # median share of published goals covered, over the schools with a plan

    @property
    def share(self) -> float | None:
        """The share of the schools that have a plan (None for a group without schools)."""
        return self.with_plan / self.schools if self.schools else None

    @property
    def year_label(self) -> str:
        return format_school_year(self.year)


@dataclass
class AdoptionRow:
    key: str  # a network's code, a province's code, or '' for the whole country / no province known
    name: str
    years: list[Adoption]
    network_id: int | None = None

    @property
    def latest(self) -> Adoption:
        return self.years[-1]


@dataclass
class NationalPicture:
    years: list[int]
    goals: int  # published goals: the denominator of every share
    nation: AdoptionRow
    networks: list[AdoptionRow]
    provinces: list[AdoptionRow]  # the twelve, in PROVINCES order
    unknown_province: AdoptionRow | None  # schools whose province is not known (None when there are none)
    without_network: AdoptionRow | None = field(default=None)

    @property
    def year_labels(self) -> list[str]:
        return [format_school_year(y) for y in self.years]

    @property
    def last_year_label(self) -> str:
        return format_school_year(self.years[-1])


def national_picture(session: Session, last_year: int, count: int = PICTURE_YEARS) -> NationalPicture:
    """Adoption of the framework over the `count` school years ending with `last_year`: schools with a plan
    and their median coverage, for the country, per network and per province. The schools are today's
    active schools (a school year in the past counts the schools there are now). Four queries."""
    years = year_span(last_year, count)
    goals = session.scalar(select(func.count()).select_from(Goal).where(Goal.status == GoalStatus.PUBLISHED)) or 0
    networks = session.execute(select(Network.id, Network.code, Network.name)
                               .where(Network.archived.is_(False)).order_by(Network.name)).all()
    schools = session.execute(select(School.id, School.network_id, School.province)
                              .where(School.archived.is_(False))).all()
    planning = _schools_with_plan(session, years)

    def row(key, name, members, network_id=None) -> AdoptionRow:
        adoption = []
        for year in years:
            shares = [planning[year][s] / goals if goals else 0.0 for s in members if s in planning[year]]
            adoption.append(Adoption(year, len(members), len(shares), statistics.median(shares) if shares else None))
        return AdoptionRow(key, name, adoption, network_id)

    by_network: dict[int | None, list[int]] = defaultdict(list)
    by_province: dict[str, list[int]] = defaultdict(list)
    for s in schools:
        by_network[s.network_id].append(s.id)
        by_province[s.province or ""].append(s.id)
    return NationalPicture(
        years, goals, row("", str(_l("The Netherlands")), [s.id for s in schools]),
        [row(n.code, n.name, by_network.get(n.id, []), n.id) for n in networks],
        [row(p.code, p.name, by_province.get(p.code, [])) for p in PROVINCES],
        row("", str(_l("Province not known")), by_province[""]) if by_province.get("") else None,
        row("", str(_l("No network")), by_network[None]) if by_network.get(None) else None,
    )
