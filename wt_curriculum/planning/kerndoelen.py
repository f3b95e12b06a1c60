"""Coverage read per kerndoel / doelzin: the reference nodes a school's (or network's) plan reaches through the
crosswalk. "Covered" follows the one rule of planning/coverage.py: a published goal planned in one of its groepen.
"""
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from ..errors import NotFound, ValidationError
from ..lessons.models import Alignment, LessonPackage
from ..objectives.models import Goal, GoalStatus
from ..organisations.models import Network, School
from ..references.models import CrosswalkLink, ReferenceNode
from ..references.services import (
    KD2006,
    KD2025,
    FrameworkSummary,
    depth_first,
    framework_by_key,
    framework_summary,
)
from .models import PlanEntry


@dataclass
class PackageCoverage:
    package_id: int
    title: str
    groepen: list[int]


@dataclass
class NodeCoverage:
    node_id: int
    code: str
    kind: str
    short_title: str
    depth: int
    is_leaf: bool
    direct: bool  # a covering plan row serves this node itself (not only a node under it)
    packages: list[PackageCoverage]  # the packages that cover this node or a node under it, in those groepen
    groepen: list[int]  # the groepen in which they cover it
    goal_codes: list[str]  # the published goals through which they cover it

    @property
    def covered(self) -> bool:
        return bool(self.packages)


def _covering_goal() -> tuple:
    """The conditions under which a plan row covers a goal (joined as Goal and PlanEntry): the goal is
    published and the row's groep is one the goal is meant for (the bit test of planning.coverage)."""
    groep_bit = literal(1).op("<<")(PlanEntry.groep - 1)
    return Goal.status == GoalStatus.PUBLISHED, Goal.groepen_mask.op("&")(groep_bit) != 0


def kerndoel_coverage(session: Session, school_id: int, year: int, framework_key: str) -> list[NodeCoverage]:
    """For each node of a framework: which of the school's planned packages cover it, in which groepen.

    The rule is the one of the per-goal views (wt_curriculum.planning.coverage):
    a node is covered when a *published* goal linked to it through the
    crosswalk is covered, that is, a package aligned to the goal is planned in
    one of the groepen the goal is meant for (goal.groepen_mask). A draft or
    retired goal, or a package planned outside the goal's groepen, does not
    cover the node. The packages, groepen and goals shown are those plan rows
    that make it covered. A node is also covered through the nodes under it
    (a kerndoel 2025 through its doelzinnen).
    Three queries, however many nodes or plan rows there are.
    """
    framework = framework_by_key(session, framework_key)
    nodes = list(session.scalars(
        select(ReferenceNode).where(ReferenceNode.framework_id == framework.id)
        .order_by(ReferenceNode.position, ReferenceNode.code)
    ))
    rows = session.execute(
        select(CrosswalkLink.node_id, Goal.code, PlanEntry.package_id, LessonPackage.title, PlanEntry.groep)
        .join(ReferenceNode, ReferenceNode.id == CrosswalkLink.node_id)
        .join(Goal, Goal.id == CrosswalkLink.goal_id)
        .join(Alignment, Alignment.goal_id == CrosswalkLink.goal_id)
        .join(PlanEntry, PlanEntry.package_id == Alignment.package_id)
        .join(LessonPackage, LessonPackage.id == PlanEntry.package_id)
        .where(ReferenceNode.framework_id == framework.id, PlanEntry.school_id == school_id,
               PlanEntry.school_year == year, *_covering_goal())
    )
    parents = {n.id: n.parent_id for n in nodes}
    titles: dict[int, str] = {}
    per_node: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    goal_codes: dict[int, set[str]] = defaultdict(set)
    direct: set[int] = set()
    for node_id, goal_code, package_id, title, groep in rows:
        titles[package_id] = title
        direct.add(node_id)
        target = node_id
        while target is not None:  # the node itself and every node above it
            per_node[target][package_id].add(groep)
            goal_codes[target].add(goal_code)
            target = parents.get(target)
    has_children = {n.parent_id for n in nodes if n.parent_id is not None}
    out = []
    for node, depth in depth_first(nodes):
        packages = sorted(
            (PackageCoverage(pid, titles[pid], sorted(groepen)) for pid, groepen in per_node[node.id].items()),
            key=lambda p: (p.title, p.package_id),
        )
        groepen = sorted({g for p in packages for g in p.groepen})
        out.append(NodeCoverage(node.id, node.code, node.kind, node.short_title, depth,
                                node.id not in has_children, node.id in direct, packages, groepen,
                                sorted(goal_codes[node.id])))
    return out


@dataclass
class TransitionView:
    """One school year read against the 2006 kerndoelen and the new (2025) ones; leaves only."""

    school_year: int
    covered_2006: list[NodeCoverage]
    missing_2006: list[NodeCoverage]
    covered_2025: list[NodeCoverage]
    missing_2025: list[NodeCoverage]


def transition_view(session: Session, school_id: int, year: int) -> TransitionView:
    """What a school's plan covers under the 2006 kerndoelen, and what is still missing under the new ones.

    Counted per leaf (kerndoel 2006; doelzin 2025): a kerndoel 2025 counts as
    covered when any doelzin under it is, which would hide what is missing.
    Covered as kerndoel_coverage says: through a published goal planned in
    one of the groepen it is meant for.
    """
    old = [n for n in kerndoel_coverage(session, school_id, year, KD2006) if n.is_leaf]
    new = [n for n in kerndoel_coverage(session, school_id, year, KD2025) if n.is_leaf]
    return TransitionView(
        school_year=year,
        covered_2006=[n for n in old if n.covered], missing_2006=[n for n in old if not n.covered],
        covered_2025=[n for n in new if n.covered], missing_2025=[n for n in new if not n.covered],
    )


# The reference sets coverage can be read in (the kerndoelen; bouwstenen are what our goals derive from).
COVERAGE_SETS = (KD2006, KD2025)


def coverage_set(key: str | None) -> str:
    """The reference set named in a request (kd2025-po when none is named); anything else is a ValidationError."""
    if key is None or key == "":
        return KD2025
    if key not in COVERAGE_SETS:
        raise ValidationError(_l("Choose one of the kerndoelen sets: %(sets)s.", sets=", ".join(COVERAGE_SETS)),
                              field="set")
    return key


@dataclass
class SchoolKerndoelCoverage:
    """One school year of one school read per kerndoel (or doelzin) of one reference set."""

    framework: FrameworkSummary
    school_id: int
    school_year: int
    nodes: list[NodeCoverage]
    has_plan: bool

    @property
    def leaves(self) -> list[NodeCoverage]:
        return [n for n in self.nodes if n.is_leaf]

    @property
    def covered(self) -> int:
        return sum(1 for n in self.leaves if n.covered)

    @property
    def total(self) -> int:
        return len(self.leaves)

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0

    @property
    def groups(self) -> list[tuple[NodeCoverage, list[NodeCoverage]]]:
        """Each top-level node (a kerndoel) with the leaves under it (its doelzinnen; none in a flat set)."""
        return _groups(self.nodes)


def _groups(nodes: list) -> list[tuple]:
    out: list[tuple] = []
    for node in nodes:  # depth-first: the nodes under a top-level node follow it
        if node.depth == 0:
            out.append((node, []))
        elif out and node.is_leaf:
            out[-1][1].append(node)
    return out


def school_kerndoel_coverage(session: Session, school_id: int, year: int, framework_key: str
                             ) -> SchoolKerndoelCoverage:
    """kerndoel_coverage with what a page needs around it: the framework, counts over the leaves
    (kerndoelen 2006, doelzinnen 2025) and whether the school has any plan for the year. Five queries."""
    framework = framework_by_key(session, coverage_set(framework_key))
    nodes = kerndoel_coverage(session, school_id, year, framework.key)
    has_plan = session.scalar(select(PlanEntry.id).where(PlanEntry.school_id == school_id,
                                                         PlanEntry.school_year == year).limit(1)) is not None
    return SchoolKerndoelCoverage(framework_summary(framework, len(nodes)), school_id, year, nodes, has_plan)


@dataclass
class SchoolRef:
    id: int
    name: str
    code: str
    has_plan: bool


@dataclass
class NetworkNodeCoverage:
    node_id: int
    code: str
    kind: str
    short_title: str
    depth: int
    is_leaf: bool
    school_ids: set[int]  # the schools with a plan whose plan covers the node (itself or a node under it)
    of: int  # the network's schools with a plan for the year

    @property
    def covered(self) -> int:
        return len(self.school_ids)

    @property
    def share(self) -> float:
        return self.covered / self.of if self.of else 0.0


@dataclass
class NetworkKerndoelCoverage:
    framework: FrameworkSummary
    network_id: int
    network_name: str
    school_year: int
    schools: list[SchoolRef]
    nodes: list[NetworkNodeCoverage]

    @property
    def schools_with_plan(self) -> list[SchoolRef]:
        return [s for s in self.schools if s.has_plan]

    @property
    def leaves(self) -> list[NetworkNodeCoverage]:
        return [n for n in self.nodes if n.is_leaf]

    @property
    def groups(self) -> list[tuple[NetworkNodeCoverage, list[NetworkNodeCoverage]]]:
        return _groups(self.nodes)


def network_kerndoel_coverage(session: Session, network_id: int, year: int, framework_key: str
                              ) -> NetworkKerndoelCoverage:
    """Nodes of a reference set x the network's (active) schools: which schools with a plan for the year
    cover each node, as kerndoel_coverage counts it for one school (a published goal linked to the node or
    to a node under it, with an aligned package planned in one of the groepen the goal is meant for), and
    their share of the schools with a plan.

    Six queries whatever the number of schools: the (school, node) pairs are found in SQL, distinct, and
    carried up to the nodes above in Python.
    """
    network = session.get(Network, network_id)
    if network is None:
        raise NotFound(_l("This network does not exist."))
    framework = framework_by_key(session, coverage_set(framework_key))
    nodes = list(session.scalars(
        select(ReferenceNode).where(ReferenceNode.framework_id == framework.id)
        .order_by(ReferenceNode.position, ReferenceNode.code)
    ))
    schools = session.execute(
        select(School.id, School.name, School.brin, School.vestiging)
        .where(School.network_id == network_id, School.archived.is_(False)).order_by(School.name, School.id)
    ).all()
    in_network = (School.network_id == network_id, School.archived.is_(False), PlanEntry.school_year == year)
    planning = set(session.scalars(
        select(PlanEntry.school_id).join(School, School.id == PlanEntry.school_id).where(*in_network).distinct()
    ))
    pairs = session.execute(
        select(PlanEntry.school_id, CrosswalkLink.node_id)
        .join(School, School.id == PlanEntry.school_id)
        .join(Alignment, Alignment.package_id == PlanEntry.package_id)
        .join(CrosswalkLink, CrosswalkLink.goal_id == Alignment.goal_id)
        .join(Goal, Goal.id == CrosswalkLink.goal_id)
        .join(ReferenceNode, ReferenceNode.id == CrosswalkLink.node_id)
        .where(*in_network, ReferenceNode.framework_id == framework.id, *_covering_goal())
        .distinct()
    )
    parents = {n.id: n.parent_id for n in nodes}
    covering: dict[int, set[int]] = defaultdict(set)
    for school_id, node_id in pairs:
        target = node_id
        while target is not None:  # the node itself and every node above it
            covering[target].add(school_id)
            target = parents.get(target)
    has_children = {n.parent_id for n in nodes if n.parent_id is not None}
    of = len(planning)
    rows = [NetworkNodeCoverage(node.id, node.code, node.kind, node.short_title, depth, node.id not in has_children,
                                covering.get(node.id, set()), of)
            for node, depth in depth_first(nodes)]
    return NetworkKerndoelCoverage(
        framework_summary(framework, len(nodes)), network.id, network.name, year,
        [SchoolRef(s.id, s.name, f"{s.brin}{s.vestiging}", s.id in planning) for s in schools], rows,
    )
