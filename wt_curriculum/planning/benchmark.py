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

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from ..core import fragments
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


def _schools_with_plan(session: Session, years: list[int], network_id: int | None = None
                       ) -> dict[int, dict[int, int]]:
    """{year: {school_id: covered goals}} for the active schools with a plan (of one network, or all), from the
    aggregates table."""
    out: dict[int, dict[int, int]] = {y: {} for y in years}
    where = [SchoolYearCoverage.school_year.in_(years), SchoolYearCoverage.entries > 0, School.archived.is_(False)]
    if network_id is not None:
        where.append(School.network_id == network_id)
    for year, school_id, covered in session.execute(
        select(SchoolYearCoverage.school_year, SchoolYearCoverage.school_id, SchoolYearCoverage.covered)
        .join(School, School.id == SchoolYearCoverage.school_id).where(*where)
    ):
        out[year][school_id] = covered
    return out


def _series(code, title, years, key, network: dict, national: dict) -> BenchmarkSeries:
    return BenchmarkSeries(code, title, [BenchmarkPoint(y, network[key][y], national[key][y]) for y in years])


# --- A network against the country ---------------------------------------------------------------
def network_benchmark(session: Session, network_id: int, last_year: int, count: int = BENCHMARK_YEARS,
                      kerndoel_set: str = "kd2025-po") -> NetworkBenchmark:
    """The network's median coverage per strand and per kerndoel against the national median and
    interquartile range, for the `count` school years ending with `last_year`. The country's part is cached per
    plan generation (the same for every network); nine queries without the cache, six with it."""
    network = session.get(Network, network_id)
    if network is None:
        raise NotFound(_l("This network does not exist."))
    years = year_span(last_year, count)
    schools = session.scalar(select(func.count()).select_from(School).where(
        School.network_id == network_id, School.archived.is_(False))) or 0
    strands = [tuple(r) for r in session.execute(
        select(Strand.id, Strand.code, Strand.title, func.count(Goal.id))
        .join(Goal, Goal.strand_id == Strand.id).join(Domain, Domain.id == Strand.domain_id)
        .where(Goal.status == GoalStatus.PUBLISHED)
        .group_by(Strand.id, Strand.code, Strand.title, Domain.position, Domain.code, Strand.position)
        .order_by(Domain.position, Domain.code, Strand.position, Strand.code)
    ) if r[3]]
    framework = session.scalar(select(ReferenceFramework).where(ReferenceFramework.key == kerndoel_set))
    nodes = [tuple(r) for r in session.execute(
        select(ReferenceNode.id, ReferenceNode.parent_id, ReferenceNode.code, ReferenceNode.short_title)
        .where(ReferenceNode.framework_id == framework.id).order_by(ReferenceNode.position, ReferenceNode.code)
    )] if framework is not None else []
    shape = _Shape(years, strands, nodes)
    # The country's spreads are the same for every network: made once per plan generation and shared.
    if has_request_context():
        national = fragments.cached("benchmark-national", (tuple(years), kerndoel_set), lambda: fragments.Fragment(
            "", {"spreads": _spreads(session, shape)}), plans=True).data["spreads"]
    else:  # a command or test outside a request: no shared cache to use
        national = _spreads(session, shape)
    own = _spreads(session, shape, network_id)
    overall = _series("", str(_l("All goals")), years, "all", own, national)
    strand_series = [_series(code, title, years, ("s", sid), own, national) for sid, code, title, _n in strands]
    kerndoel_series = [_series(code, title, years, ("k", nid), own, national)
                       for nid, parent, code, title in nodes if parent is None and shape.leaves_under.get(nid)]
    return NetworkBenchmark(network.id, network.name, network.code, years, schools, overall,
                            strand_series, framework.key if framework else "", framework.title if framework else "",
                            kerndoel_series)


class _Shape:
    """What the shares are over: the years, the strands (with their published goals) and a reference set's
    nodes (the leaves under each top-level node)."""

    def __init__(self, years: list[int], strands: list[tuple], nodes: list[tuple]):
        self.years, self.strands = years, strands
        self.total_goals = sum(n for *_, n in strands)
        self.parents = {nid: parent for nid, parent, *_ in nodes}
        has_children = {parent for _, parent, *_ in nodes if parent is not None}
        self.leaves = [nid for nid, *_ in nodes if nid not in has_children]
        self.leaves_under: dict[int, int] = defaultdict(int)
        for leaf in self.leaves:
            self.leaves_under[self.top(leaf)] += 1

    def top(self, node_id: int) -> int:
        while self.parents.get(node_id) is not None:
            node_id = self.parents[node_id]
        return node_id


def _spreads(session: Session, shape: _Shape, network_id: int | None = None) -> dict:
    """{key: {year: Spread}} over the schools with a plan (of one network, or all) for key "all", ("s", strand id)
    and ("k", top-level node id). Two queries."""
    years = shape.years
    planning = _schools_with_plan(session, years, network_id)
    per_strand: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)  # (year, strand) -> {school: n}
    per_top: dict[tuple[int, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))  # (year, kerndoel)
    for kind, year, school_id, key, n in session.execute(benchmark_query(years, shape.leaves, network_id)):
        if kind == "s":
            per_strand[(year, key)][school_id] = n
        else:
            per_top[(year, shape.top(key))][school_id] += n

    def spreads(found_for, total: int) -> dict[int, Spread]:
        return {y: spread([found_for(y).get(s, 0) / total for s in planning[y]]) for y in years}

    out = {"all": spreads(lambda y: planning[y], shape.total_goals or 1)}
    for sid, _code, _title, total in shape.strands:
        out[("s", sid)] = spreads(lambda y, sid=sid: per_strand.get((y, sid), {}), total)
    for top, total in shape.leaves_under.items():
        out[("k", top)] = spreads(lambda y, top=top: per_top.get((y, top), {}), total)
    return out


def benchmark_query(years: list[int], leaf_ids: list[int], network_id: int | None = None):
    """The (school year, school, goal) pairs covered in the years, made once (a materialised CTE over the covering
    index) and counted two ways in one statement: per strand, rows ("s", year, school, strand, goals), and per
    leaf node's parent (the kerndoel above a doelzin; a flat set's leaf itself), rows ("k", year, school, node,
    leaves) over the distinct leaves reached through the crosswalk."""
    covered = (
        select(PlanEntry.school_year.label("year"), PlanEntry.school_id.label("school_id"),
               Goal.id.label("goal_id"), Goal.strand_id.label("strand_id"))
        .join(Alignment, Alignment.package_id == PlanEntry.package_id)
        .join(Goal, Goal.id == Alignment.goal_id)
        .where(*_covering(years), *([PlanEntry.school_id.in_(select(School.id).where(
            School.network_id == network_id, School.archived.is_(False)))] if network_id is not None else []))
        .distinct()
        .cte("covered").prefix_with("MATERIALIZED")
    )
    per_strand = (select(literal("s").label("kind"), covered.c.year, covered.c.school_id,
                         covered.c.strand_id.label("key"), func.count().label("n"))
                  .group_by(covered.c.year, covered.c.school_id, covered.c.strand_id))
    if not leaf_ids:
        return per_strand
    reached = (select(covered.c.year, covered.c.school_id, CrosswalkLink.node_id)
               .join(CrosswalkLink, CrosswalkLink.goal_id == covered.c.goal_id)
               .where(CrosswalkLink.node_id.in_(leaf_ids)).distinct().subquery("reached"))
    parent = func.coalesce(ReferenceNode.parent_id, ReferenceNode.id)
    per_node = (select(literal("k"), reached.c.year, reached.c.school_id, parent, func.count())
                .join(ReferenceNode, ReferenceNode.id == reached.c.node_id)
                .group_by(reached.c.year, reached.c.school_id, parent))
    return union_all(per_strand, per_node)


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
