"""Coverage, derived from year plans: never stored, always computed with a fixed number of SQL queries.

Definitions used by every view, report and the API:

- A *cell* is one goal in one groep (in one school year). Its `state` is
  `taught` when a package aligned to the goal is planned in that groep and has
  a taught date, `planned` when such a package is only planned, `none`
  otherwise. Its `relation` says how the best entry serves the goal: `kern`
  when a kern-aligned package reaches that state, else `raakt` (so a cell with
  a taught raakt package and a planned kern package is taught/raakt).
- A goal is *covered* (in a school year) when at least one of the groepen it
  is meant for (goal.groepen_mask) has a planned or taught cell. Cells outside
  those groepen are shown but do not count.
- Percentages are over published goals; retired goals still in a plan are
  shown, flagged, and left out of the percentages.

Each function runs a small fixed number of queries whatever the number of
schools, goals or plan rows: the plan rows are aggregated in SQL, and only
the needed columns are selected.
"""
import heapq
import re
import statistics
from dataclasses import dataclass, field
from functools import cached_property

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, distinct, func, literal, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..groepen import ALL_GROEPEN, bit, from_mask
from ..lessons.models import Alignment, LessonPackage, PackageKind, PackageStatus, Relation
from ..lessons.services import STATUS_LABELS as PACKAGE_STATUS_LABELS
from ..objectives.forms import status_labels as goal_status_labels
from ..objectives.models import Domain, Goal, GoalStatus, Strand
from ..organisations.models import Network, School
from ..organisations.services import get_school
from ..schoolyears import format_school_year
from .experiences import rating_subquery
from .models import PlanEntry, SchoolYearCoverage

NONE, PLANNED, TAUGHT, UNKNOWN = "none", "planned", "taught", "unknown"
KERN, RAAKT = Relation.CORE.value, Relation.TOUCHES.value
MET, NOT_MET = "met", "not_met"


# --- Shared shapes -----------------------------------------------------------------------------
# The sums and shares are cached properties: a page asks for each many times (bars, tables, matrix), and the
# rows are complete before anyone asks (built by the functions below, never changed afterwards).
@dataclass(frozen=True)
class Cell:
    """One goal in one groep: state none/planned/taught (or unknown in a cohort), relation kern/raakt."""

    state: str
    relation: str | None = None
    intended: bool = False  # the goal is meant for this groep

    @property
    def covered(self) -> bool:
        return self.state in (PLANNED, TAUGHT)


@dataclass
class GoalRow:
    id: int
    code: str
    title: str
    status: str
    groepen: list[int]
    cells: dict[int, Cell] = field(default_factory=dict)

    @property
    def retired(self) -> bool:
        return self.status == GoalStatus.RETIRED

    @cached_property
    def covered(self) -> bool:
        return any(self.cells[g].covered for g in self.groepen if g in self.cells)

    @cached_property
    def covered_outside_only(self) -> bool:
        """Planned, but only in groepen the goal is not meant for: worth a warning."""
        return not self.covered and any(c.covered for c in self.cells.values())


@dataclass
class StrandCoverage:
    id: int
    code: str
    title: str
    goals: list[GoalRow]

    @cached_property
    def counted(self) -> list[GoalRow]:
        return [g for g in self.goals if not g.retired]

    @cached_property
    def total(self) -> int:
        return len(self.counted)

    @cached_property
    def covered(self) -> int:
        return sum(1 for g in self.counted if g.covered)

    @cached_property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0


@dataclass
class DomainCoverage:
    id: int
    code: str
    title: str
    strands: list[StrandCoverage]

    @cached_property
    def total(self) -> int:
        return sum(s.total for s in self.strands)

    @cached_property
    def covered(self) -> int:
        return sum(s.covered for s in self.strands)

    @cached_property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0


@dataclass
class SchoolCoverage:
    school_id: int
    school_name: str
    school_code: str
    year: int
    domains: list[DomainCoverage]
    has_plan: bool

    @property
    def year_label(self) -> str:
        return format_school_year(self.year)

    @cached_property
    def strands(self) -> list[StrandCoverage]:
        return [s for d in self.domains for s in d.strands]

    @cached_property
    def goals(self) -> list[GoalRow]:
        return [g for s in self.strands for g in s.goals]

    @cached_property
    def total(self) -> int:
        return sum(d.total for d in self.domains)

    @cached_property
    def covered(self) -> int:
        return sum(d.covered for d in self.domains)

    @cached_property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0

    def goal(self, code: str) -> GoalRow:
        return next(g for g in self.goals if g.code == code)


def _cell(taught: int, kern: int, taught_kern: int, intended: bool) -> Cell:
    if taught:
        return Cell(TAUGHT, KERN if taught_kern else RAAKT, intended)
    return Cell(PLANNED, KERN if kern else RAAKT, intended)


def _cell_aggregates(*where):
    """Per goal and groep: whether any aligned entry is taught, any is kern, any is taught and kern."""
    is_taught = PlanEntry.taught_on.is_not(None)
    is_kern = Alignment.relation == KERN
    return (
        select(
            Alignment.goal_id, PlanEntry.groep,
            func.max(case((is_taught, 1), else_=0)).label("taught"),
            func.max(case((is_kern, 1), else_=0)).label("kern"),
            func.max(case((and_(is_taught, is_kern), 1), else_=0)).label("taught_kern"),
        )
        .join(Alignment, Alignment.package_id == PlanEntry.package_id)
        .where(*where)
        .group_by(Alignment.goal_id, PlanEntry.groep)
    )


def _framework(session: Session, retired_if_planned=None):
    """Published goals (plus retired ones when they appear in `retired_if_planned`, a subquery of goal ids),
    with their strand and domain, in framework order: one query."""
    condition = Goal.status == GoalStatus.PUBLISHED
    if retired_if_planned is not None:
        condition = or_(condition, and_(Goal.status == GoalStatus.RETIRED, Goal.id.in_(retired_if_planned)))
    return session.execute(
        select(Goal.id, Goal.code, Goal.title, Goal.status, Goal.groepen_mask, Goal.position,
               Strand.id.label("strand_id"), Strand.code.label("strand_code"), Strand.title.label("strand_title"),
               Domain.id.label("domain_id"), Domain.code.label("domain_code"), Domain.title.label("domain_title"))
        .join(Strand, Strand.id == Goal.strand_id).join(Domain, Domain.id == Strand.domain_id)
        .where(condition)
        .order_by(Domain.position, Domain.code, Strand.position, Strand.code, Goal.position, Goal.code)
    ).all()


def natural_key(code: str) -> tuple:
    """DG.3.2 before DG.3.10: the numbers in a code compare as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", code) if part)


def _group(rows, make_goal) -> list[DomainCoverage]:
    domains: dict[int, DomainCoverage] = {}
    strands: dict[int, StrandCoverage] = {}
    for r in rows:
        if r.domain_id not in domains:
            domains[r.domain_id] = DomainCoverage(r.domain_id, r.domain_code, r.domain_title, [])
        if r.strand_id not in strands:
            strands[r.strand_id] = StrandCoverage(r.strand_id, r.strand_code, r.strand_title, [])
            domains[r.domain_id].strands.append(strands[r.strand_id])
        strands[r.strand_id].goals.append(make_goal(r))
    return list(domains.values())


# --- One school --------------------------------------------------------------------------------
def school_coverage(session: Session, school_id: int, year: int) -> SchoolCoverage:
    """Goals (by domain and strand) x groepen 1-8 for one school year: three queries."""
    school = get_school(session, school_id)
    in_plan = (PlanEntry.school_id == school_id, PlanEntry.school_year == year)
    cells: dict[int, dict[int, tuple]] = {}
    for goal_id, groep, taught, kern, taught_kern in session.execute(_cell_aggregates(*in_plan)):
        cells.setdefault(goal_id, {})[groep] = (taught, kern, taught_kern)
    planned_goals = select(Alignment.goal_id).join(PlanEntry, PlanEntry.package_id == Alignment.package_id) \
        .where(*in_plan)

    def make_goal(r) -> GoalRow:
        groepen = from_mask(r.groepen_mask)
        found = cells.get(r.id, {})
        row = GoalRow(r.id, r.code, r.title, r.status, groepen)
        for g in ALL_GROEPEN:
            row.cells[g] = _cell(*found[g], g in groepen) if g in found else Cell(NONE, None, g in groepen)
        return row

    domains = _group(_framework(session, planned_goals), make_goal)
    has_plan = session.scalar(select(PlanEntry.id).where(*in_plan).limit(1)) is not None
    return SchoolCoverage(school.id, school.name, school.code, year, domains, has_plan)


# --- One network -------------------------------------------------------------------------------
@dataclass
class StrandInfo:
    id: int
    code: str
    title: str
    domain_code: str
    total: int


@dataclass
class StrandShare:
    covered: int
    total: int

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0


@dataclass
class SchoolInNetwork:
    id: int
    name: str
    code: str
    has_plan: bool
    strands: dict[int, StrandShare]
    covered: int
    total: int
    median: float | None = None  # the network's median share, for comparison

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0

    @property
    def difference(self) -> float | None:
        """This school's share minus the network median (None without a plan)."""
        if not self.has_plan or self.median is None:
            return None
        return self.share - self.median


@dataclass
class MissedGoal:
    id: int
    code: str
    title: str
    strand_code: str
    missing: int  # schools with a plan that do not cover the goal
    of: int


@dataclass
class NetworkCoverage:
    network_id: int
    network_name: str
    year: int
    strands: list[StrandInfo]
    schools: list[SchoolInNetwork]
    median: float | None  # median share of the schools that have a plan for the year
    most_missed: list[MissedGoal]  # every goal missed by at least one school with a plan, most missed first

    def most_missed_top(self, n: int = 10) -> list[MissedGoal]:
        return self.most_missed[:n]

    @property
    def year_label(self) -> str:
        return format_school_year(self.year)

    @property
    def schools_with_plan(self) -> list[SchoolInNetwork]:
        return [s for s in self.schools if s.has_plan]


def _in_network(network_id: int, year: int) -> tuple:
    """The network's schools as a list the covering index is searched with (school_year, school_id): the same
    plan at every scale, whatever share of the country the network is."""
    network_schools = select(School.id).where(School.network_id == network_id, School.archived.is_(False))
    return (PlanEntry.school_year == year, PlanEntry.school_id.in_(network_schools))


def network_coverage_query(network_id: int, year: int):
    """Per (school, strand) and per goal, how many distinct (school, goal) pairs of the network's year have a
    published goal planned in a groep it is meant for: the pairs are made once (a materialised CTE, one pass
    over the covering index) and counted two ways in one statement. Rows: ("s", school, strand, n) and
    ("g", 0, goal, n). tests/planning/test_query_plans.py checks its plan."""
    groep_bit = literal(1).op("<<")(PlanEntry.groep - 1)
    pairs = (
        select(PlanEntry.school_id, Alignment.goal_id, Goal.strand_id)
        .join(Alignment, Alignment.package_id == PlanEntry.package_id)
        .join(Goal, Goal.id == Alignment.goal_id)
        .where(*_in_network(network_id, year), Goal.status == GoalStatus.PUBLISHED,
               Goal.groepen_mask.op("&")(groep_bit) != 0)
        .distinct()
        .cte("pairs").prefix_with("MATERIALIZED")
    )
    return union_all(
        select(literal("s").label("kind"), pairs.c.school_id.label("school_id"), pairs.c.strand_id.label("key"),
               func.count().label("n")).group_by(pairs.c.school_id, pairs.c.strand_id),
        select(literal("g"), literal(0), pairs.c.goal_id, func.count()).group_by(pairs.c.goal_id),
    )


def network_coverage(session: Session, network_id: int, year: int,
                     most_missed: int | None = None) -> NetworkCoverage:
    """Schools x strands of one network (share of goals covered), the goals schools miss (all of them, most
    missed first, in framework order within equal counts; `most_missed` cuts the list), and each
    school against the network median. Schools without any plan for the year are shown as such and left
    out of the median and the counts. Four queries, whatever the size of the network."""
    network = session.get(Network, network_id)
    if network is None:
        raise NotFound(_l("This network does not exist."))
    schools = session.execute(
        select(School.id, School.name, School.brin, School.vestiging)
        .where(School.network_id == network_id, School.archived.is_(False)).order_by(School.name)
    ).all()
    goals = _framework(session)
    strands: dict[int, StrandInfo] = {}
    for r in goals:
        info = strands.setdefault(r.strand_id, StrandInfo(r.strand_id, r.strand_code, r.strand_title,
                                                           r.domain_code, 0))
        info.total += 1

    planning = set(session.scalars(select(distinct(PlanEntry.school_id)).where(*_in_network(network_id, year))))
    # (school, goal) pairs where the goal is planned in one of the groepen it is meant for, made once and
    # counted per (school, strand) and per goal in the same statement.
    per_strand: dict[tuple[int, int], int] = {}
    per_goal: dict[int, int] = {}
    for kind, school_id, key, n in session.execute(network_coverage_query(network_id, year)):
        if kind == "s":
            per_strand[(school_id, key)] = n
        else:
            per_goal[key] = n

    total = len(goals)
    rows = []
    for s in schools:
        shares = {sid: StrandShare(per_strand.get((s.id, sid), 0), info.total) for sid, info in strands.items()}
        rows.append(SchoolInNetwork(s.id, s.name, f"{s.brin}{s.vestiging}", s.id in planning, shares,
                                    sum(x.covered for x in shares.values()), total))
    with_plan = [r.share for r in rows if r.has_plan]
    median = statistics.median(with_plan) if with_plan else None
    for r in rows:
        r.median = median
    counted = len([r for r in rows if r.has_plan])
    # Framework order: strands as the framework lists them, within a strand by position, then by code with
    # its numbers compared as numbers.
    strand_order = {sid: i for i, sid in enumerate(strands)}
    in_order = sorted(goals, key=lambda r: (strand_order[r.strand_id], r.position, natural_key(r.code)))
    missed = [MissedGoal(r.id, r.code, r.title, r.strand_code, counted - per_goal.get(r.id, 0), counted)
              for r in in_order if counted - per_goal.get(r.id, 0) > 0]
    missed.sort(key=lambda m: -m.missing)  # stable: framework order within equal counts
    return NetworkCoverage(network.id, network.name, year, list(strands.values()), rows, median,
                           missed if most_missed is None else missed[:most_missed])


# --- One cohort --------------------------------------------------------------------------------
@dataclass
class CohortYear:
    groep: int
    year: int
    known: bool  # the school has a plan (any entry) for that school year

    @property
    def year_label(self) -> str:
        return format_school_year(self.year)


@dataclass
class CohortGoal:
    id: int
    code: str
    title: str
    status: str
    groepen: list[int]
    cells: dict[int, Cell]

    @property
    def met_in(self) -> list[int]:
        """The groepen, among those the goal is meant for, in which the cohort meets it (as for a school)."""
        return [g for g in self.groepen if self.cells[g].covered]

    @property
    def outcome(self) -> str:
        """met (planned or taught in a groep the goal is meant for, in that groep's year), unknown (not met,
        and a year in which the goal is meant to be learned has no plan at all), or not_met."""
        if self.met_in:
            return MET
        if any(self.cells[g].state == UNKNOWN for g in self.groepen):
            return UNKNOWN
        return NOT_MET


@dataclass
class CohortStrand:
    id: int
    code: str
    title: str
    goals: list[CohortGoal]


@dataclass
class CohortCoverage:
    school_id: int
    school_name: str
    start_year: int
    years: list[CohortYear]
    strands: list[CohortStrand]

    @property
    def start_label(self) -> str:
        return format_school_year(self.start_year)

    @property
    def goals(self) -> list[CohortGoal]:
        return [g for s in self.strands for g in s.goals if g.status == GoalStatus.PUBLISHED]

    def count(self, outcome: str) -> int:
        return sum(1 for g in self.goals if g.outcome == outcome)

    @property
    def unknown_years(self) -> list[CohortYear]:
        return [y for y in self.years if not y.known]

    def goal(self, code: str) -> CohortGoal:
        return next(g for s in self.strands for g in s.goals if g.code == code)


def cohort_coverage(session: Session, school_id: int, start_year: int) -> CohortCoverage:
    """The pupils who start groep 1 in `start_year`: groep g falls in school year start_year + g - 1.
    Which goals do they meet by groep 8? Years without any plan are unknown, not missing. Four queries."""
    school = get_school(session, school_id)
    years = {g: start_year + g - 1 for g in ALL_GROEPEN}
    known = set(session.scalars(
        select(distinct(PlanEntry.school_year))
        .where(PlanEntry.school_id == school_id, PlanEntry.school_year.between(start_year, start_year + 7))
    ))
    on_path = (PlanEntry.school_id == school_id, PlanEntry.school_year - PlanEntry.groep == start_year - 1)
    cells: dict[int, dict[int, tuple]] = {}
    for goal_id, groep, taught, kern, taught_kern in session.execute(_cell_aggregates(*on_path)):
        cells.setdefault(goal_id, {})[groep] = (taught, kern, taught_kern)
    planned_goals = select(Alignment.goal_id).join(PlanEntry, PlanEntry.package_id == Alignment.package_id) \
        .where(*on_path)

    strands: dict[int, CohortStrand] = {}
    for r in _framework(session, planned_goals):
        groepen = from_mask(r.groepen_mask)
        found = cells.get(r.id, {})
        row_cells = {}
        for g in ALL_GROEPEN:
            if g in found:
                row_cells[g] = _cell(*found[g], g in groepen)
            else:
                row_cells[g] = Cell(NONE if years[g] in known else UNKNOWN, None, g in groepen)
        strand = strands.setdefault(r.strand_id, CohortStrand(r.strand_id, r.strand_code, r.strand_title, []))
        strand.goals.append(CohortGoal(r.id, r.code, r.title, r.status, groepen, row_cells))
    return CohortCoverage(school.id, school.name, start_year,
                          [CohortYear(g, years[g], years[g] in known) for g in ALL_GROEPEN], list(strands.values()))


# --- Gaps and suggestions ----------------------------------------------------------------------
@dataclass
class GoalBrief:
    id: int
    code: str
    title: str
    groepen: list[int] = field(default_factory=list)  # the groepen the goal is meant for


@dataclass
class AddedGoal:
    code: str
    title: str
    kern: bool  # the suggested package serves this goal as its main aim


@dataclass
class Suggestion:
    package_id: int
    title: str
    minutes: int
    groepen: list[int]
    groep: int  # the groep to plan it in
    adds: list[AddedGoal]  # the gaps this package closes that earlier suggestions did not
    network_name: str
    own_network: bool  # the package comes from the school's own network
    schools: int  # schools (of any network) that plan it in this school year
    rating: float | None = None  # mean of its approved experiences (1-5), None without any
    ratings: int = 0  # how many approved experiences

    @property
    def kern(self) -> int:
        return sum(1 for a in self.adds if a.kern)

    @property
    def codes(self) -> list[str]:
        return [a.code for a in self.adds]


@dataclass
class GapReport:
    school_id: int
    school_name: str
    year: int
    groep: int | None  # None: all groepen at once
    gaps: list[GoalBrief]
    suggestions: list[Suggestion]
    left_open: list[GoalBrief]  # gaps no published package closes

    @property
    def year_label(self) -> str:
        return format_school_year(self.year)


def _covered_in_year(school_id: int, year: int):
    """Goal ids the school covers in the school year: planned in one of the groepen the goal is meant for
    (the rule of school coverage)."""
    groep_bit = literal(1).op("<<")(PlanEntry.groep - 1)
    return (
        select(Alignment.goal_id)
        .join(PlanEntry, PlanEntry.package_id == Alignment.package_id)
        .join(Goal, Goal.id == Alignment.goal_id)
        .where(PlanEntry.school_id == school_id, PlanEntry.school_year == year,
               Goal.groepen_mask.op("&")(groep_bit) != 0)
    )


def _closes(c: dict, g: int, remaining: set[int]) -> list[int]:
    """The remaining gaps candidate package `c` closes when planned in groep g."""
    if not c["mask"] & bit(g):
        return []
    return [gid for gid, (_, mask) in c["goals"].items() if gid in remaining and mask & bit(g)]


def _rank(pid: int, c: dict, g: int, remaining: set[int]) -> tuple:
    """How good planning package pid in groep g is now: smaller is better (gap_suggestions' order of ties)."""
    new = _closes(c, g, remaining)
    kern = sum(1 for gid in new if c["goals"][gid][0] == KERN)
    return (-len(new), not c["own"], -c["schools"], -(c["rating"] or 0.0), -kern, c["minutes"], c["title"], pid, g)


def greedy_cover(candidates: dict[int, dict], gaps: set[int], groepen: list[int]) \
        -> tuple[list[tuple[int, int, list[int]]], set[int]]:
    """Greedy set cover: each round the (package, groep) of the best rank, until no gap is left or none closes
    any; returns [(package id, groep, the gaps it closes)] in order, and the gaps left open.

    Lazily: a (package, groep)'s rank only gets worse as gaps close (fewer new gaps, fewer of them kern; the
    rest is fixed), so a rank computed earlier is a bound. The heap's top is ranked again; when it still beats
    the next one's bound it is the best of all, exactly what ranking every pair every round (thousands of
    packages x eight groepen, dozens of rounds: seconds) would pick."""
    remaining = set(gaps)
    # A pair that closes nothing now never will: left out from the start.
    heap = [rank for pid, c in candidates.items() for g in groepen
            if c["mask"] & bit(g) and (rank := _rank(pid, c, g, remaining))[0] < 0]
    heapq.heapify(heap)
    picks: list[tuple[int, int, list[int]]] = []
    picked: set[int] = set()
    while remaining and heap:
        *_, pid, g = heapq.heappop(heap)
        if pid in picked:
            continue
        rank = _rank(pid, candidates[pid], g, remaining)
        if heap and rank > heap[0]:
            heapq.heappush(heap, rank)  # no longer the best: back, with its rank of now
            continue
        if rank[0] == 0:
            break  # the best closes nothing: nothing does
        new = _closes(candidates[pid], g, remaining)
        picks.append((pid, g, new))
        picked.add(pid)
        remaining -= set(new)
    return picks, remaining


def schools_planning_in_year(year: int):
    """(package_id, schools): how many schools plan each package in the school year.

    Grouped by package_id + 0, so that SQLite reads the year's rows from the (school_year, ...) covering index;
    grouping by the column itself made it walk every year's rows in package order: 12 s against 0.2 s at
    scale 1 (tests/planning/test_query_plans.py)."""
    used_package = (PlanEntry.package_id + literal_column("0")).label("package_id")
    return (select(used_package, func.count(distinct(PlanEntry.school_id)).label("schools"))
            .where(PlanEntry.school_year == year).group_by(used_package))


def gap_suggestions(session: Session, school_id: int, year: int, groep: int | None = None) -> GapReport:
    """The gaps of a school year and the fewest published packages that close the most of them.

    A gap is a published goal that the school does not cover in the year: not planned in any of the groepen
    it is meant for (so a goal for groep 3-4 planned in groep 4 is no gap in groep 3). With `groep`, only
    the gaps meant for that groep, and packages meant for it; without, every groep at once, each suggestion
    naming the groep to plan it in. Packages already anywhere in the school year's plan are never
    suggested; packages of every network are.

    Greedy set cover: each round picks the (package, groep) that closes the most remaining gaps; ties go to
    the school's own network, then to the package more schools plan this year (use), then to the higher
    rating (the mean of its approved experiences; a package without any counts as unrated, below every
    rating), then to more main-aim (kern) goals, then to fewer minutes, the title, the id, the lower groep.
    Four queries."""
    school = get_school(session, school_id)
    is_gap = [Goal.status == GoalStatus.PUBLISHED, Goal.id.not_in(_covered_in_year(school_id, year))]
    if groep is not None:
        is_gap.append(Goal.groepen_mask.op("&")(bit(groep)) != 0)
    gaps = [GoalBrief(r.id, r.code, r.title, from_mask(r.groepen_mask)) for r in session.execute(
        select(Goal.id, Goal.code, Goal.title, Goal.groepen_mask).join(Strand, Strand.id == Goal.strand_id)
        .join(Domain, Domain.id == Strand.domain_id).where(*is_gap)
        .order_by(Domain.position, Domain.code, Strand.position, Strand.code, Goal.position, Goal.code))]
    in_year_plan = select(PlanEntry.package_id).where(PlanEntry.school_id == school_id,
                                                      PlanEntry.school_year == year)
    # Counted apart and looked up: joined, the grouped rows were searched once per candidate row.
    schools_planning = {pid: n for pid, n in session.execute(schools_planning_in_year(year))}
    rating = rating_subquery()
    package_filter = [LessonPackage.status == PackageStatus.PUBLISHED, LessonPackage.kind == PackageKind.OWN,
                      LessonPackage.id.not_in(in_year_plan)]
    if groep is not None:
        package_filter.append(LessonPackage.groepen_mask.op("&")(bit(groep)) != 0)
    candidates: dict[int, dict] = {}
    for r in session.execute(
        select(LessonPackage.id, LessonPackage.title, LessonPackage.groepen_mask, LessonPackage.network_id,
               Network.name.label("network_name"),
               (LessonPackage.lesson_count * LessonPackage.minutes_per_lesson).label("minutes"),
               rating.c.rating, func.coalesce(rating.c.ratings, 0).label("ratings"),
               Goal.id.label("goal_id"), Goal.groepen_mask.label("goal_mask"), Alignment.relation)
        .join(Network, Network.id == LessonPackage.network_id)
        .join(Alignment, Alignment.package_id == LessonPackage.id).join(Goal, Goal.id == Alignment.goal_id)
        .outerjoin(rating, rating.c.package_id == LessonPackage.id)
        .where(*package_filter, *is_gap)
    ):
        c = candidates.setdefault(r.id, {"title": r.title, "minutes": r.minutes or 0, "mask": r.groepen_mask,
                                         "network": r.network_name, "own": r.network_id == school.network_id,
                                         "schools": schools_planning.get(r.id, 0), "goals": {},
                                         "rating": float(r.rating) if r.rating is not None else None,
                                         "ratings": r.ratings})
        c["goals"][r.goal_id] = (r.relation, r.goal_mask)

    brief = {g.id: g for g in gaps}
    position = {g.id: i for i, g in enumerate(gaps)}
    groepen = [groep] if groep is not None else list(ALL_GROEPEN)
    picks, open_goals = greedy_cover(candidates, set(brief), groepen)
    suggestions = []
    for pid, g, new in picks:
        best = candidates[pid]
        new = sorted(new, key=position.__getitem__)
        suggestions.append(Suggestion(
            pid, best["title"], best["minutes"], from_mask(best["mask"]), g,
            [AddedGoal(brief[gid].code, brief[gid].title, best["goals"][gid][0] == KERN) for gid in new],
            best["network"], best["own"], best["schools"], best["rating"], best["ratings"]))
    return GapReport(school.id, school.name, year, groep, gaps, suggestions,
                     [g for g in gaps if g.id in open_goals])


# --- Impact of a goal --------------------------------------------------------------------------
@dataclass
class ImpactPackage:
    id: int
    title: str
    status: str
    relation: str
    groepen: list[int]

    @property
    def status_label(self) -> str:
        return str(PACKAGE_STATUS_LABELS.get(self.status, self.status))


@dataclass
class ImpactSchool:
    id: int
    name: str
    code: str
    network_name: str | None
    entries: int  # plan entries of packages aligned to the goal
    first_year: int
    last_year: int

    @property
    def years_label(self) -> str:
        if self.first_year == self.last_year:
            return format_school_year(self.first_year)
        return f"{format_school_year(self.first_year)} – {format_school_year(self.last_year)}"


@dataclass
class GoalImpact:
    id: int
    code: str
    title: str
    status: str
    groepen: list[int]
    packages: list[ImpactPackage]
    schools: list[ImpactSchool]

    @property
    def status_label(self) -> str:
        return str(goal_status_labels().get(self.status, self.status))

    @property
    def school_count(self) -> int:
        return len(self.schools)

    @property
    def affects_anything(self) -> bool:
        return bool(self.packages or self.schools)


def impact_of_goal(session: Session, goal_id: int) -> GoalImpact:
    """What a change to a goal touches: the packages aligned to it (kern first) and the schools whose
    plans cover it through those packages (with how many entries and in which years). Three queries."""
    goal = session.get(Goal, goal_id)
    if goal is None:
        raise NotFound(_l("This goal does not exist."))
    packages = [ImpactPackage(r.id, r.title, r.status, r.relation, from_mask(r.groepen_mask)) for r in session.execute(
        select(LessonPackage.id, LessonPackage.title, LessonPackage.status, LessonPackage.groepen_mask,
               Alignment.relation)
        .join(Alignment, Alignment.package_id == LessonPackage.id).where(Alignment.goal_id == goal_id)
        .order_by(case((Alignment.relation == KERN, 0), else_=1), LessonPackage.title))]
    schools = [ImpactSchool(r.id, r.name, f"{r.brin}{r.vestiging}", r.network_name, r.entries, r.first, r.last)
               for r in session.execute(
        select(School.id, School.name, School.brin, School.vestiging, Network.name.label("network_name"),
               func.count(PlanEntry.id).label("entries"), func.min(PlanEntry.school_year).label("first"),
               func.max(PlanEntry.school_year).label("last"))
        .join(PlanEntry, PlanEntry.school_id == School.id)
        .join(Alignment, Alignment.package_id == PlanEntry.package_id)
        .outerjoin(Network, Network.id == School.network_id)
        .where(Alignment.goal_id == goal_id)
        .group_by(School.id, School.name, School.brin, School.vestiging, Network.name)
        .order_by(School.name, School.id))]
    return GoalImpact(goal.id, goal.code, goal.title, goal.status, goal.groepen, packages, schools)


# --- The whole installation ---------------------------------------------------------------------
@dataclass
class NetworkSummary:
    id: int
    code: str
    name: str
    region: str
    schools: int
    with_plan: int
    median: float | None
    lowest: float | None
    highest: float | None


@dataclass
class NationalSummary:
    year: int
    goals: int  # published goals: the denominator of every share
    schools: int
    with_plan: int
    median: float | None
    networks: list[NetworkSummary]
    distribution: list[tuple[int, int]]  # (lower bound in %, number of schools), in steps of 10%
    without_network: int  # schools with a plan that belong to no network

    @property
    def year_label(self) -> str:
        return format_school_year(self.year)


def national_summary(session: Session, year: int) -> NationalSummary:
    """Every network's schools, how many plan, and their median share of goals covered; the spread of
    shares over all schools. Four queries; the plan rows were counted as they changed (aggregates.py)."""
    total_goals = session.scalar(select(func.count()).select_from(Goal).where(Goal.status == GoalStatus.PUBLISHED))
    networks = session.execute(
        select(Network.id, Network.code, Network.name, Network.region)
        .where(Network.archived.is_(False)).order_by(Network.name)
    ).all()
    school_network = dict(session.execute(
        select(School.id, School.network_id).where(School.archived.is_(False))).all())
    # One row per school with a plan, kept with every plan change (planning/aggregates.py): the time no
    # longer grows with the year's plan rows.
    covered = dict(session.execute(
        select(SchoolYearCoverage.school_id, SchoolYearCoverage.covered)
        .where(SchoolYearCoverage.school_year == year, SchoolYearCoverage.entries > 0)).all())
    planning = set(covered)
    shares_by_network: dict[int | None, list[float]] = {}
    counts: dict[int | None, int] = {}
    for school_id, network_id in school_network.items():
        counts[network_id] = counts.get(network_id, 0) + 1
        if school_id in planning:
            share = covered.get(school_id, 0) / total_goals if total_goals else 0.0
            shares_by_network.setdefault(network_id, []).append(share)
    summaries = []
    for n in networks:
        shares = shares_by_network.get(n.id, [])
        summaries.append(NetworkSummary(
            n.id, n.code, n.name, n.region, counts.get(n.id, 0), len(shares),
            statistics.median(shares) if shares else None, min(shares, default=None), max(shares, default=None)))
    all_shares = [s for shares in shares_by_network.values() for s in shares]
    buckets = [0] * 10
    for share in all_shares:
        buckets[min(9, int(share * 10))] += 1
    return NationalSummary(
        year, total_goals, len(school_network), len(all_shares),
        statistics.median(all_shares) if all_shares else None, summaries,
        [(10 * i, n) for i, n in enumerate(buckets)], len(shares_by_network.get(None, [])))
