"""Reference frameworks, the crosswalk and coverage per kerndoel: plain functions that take the session.

They flush but never commit, and raise the domain errors of wt_curriculum.errors.
Read functions return dataclasses so HTML, PDF, CSV and the API share one shape.
"""
import re
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session, aliased

from ..core.services import record_audit
from ..errors import NotFound, ValidationError
from ..lessons.models import Alignment, LessonPackage
from ..objectives.models import Goal, GoalStatus
from ..schools.models import PlanEntry
from .models import CrosswalkLink, CrosswalkRelation, ReferenceFramework, ReferenceNode

UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


# --- Frameworks and their trees ------------------------------------------------------------
@dataclass
class FrameworkSummary:
    key: str
    title: str
    publisher: str
    version: str
    status: str
    phase_system: str
    retired: bool
    node_count: int


def list_frameworks(session: Session, include_retired: bool = True) -> list[FrameworkSummary]:
    """Every reference framework with its number of nodes (one query)."""
    query = (
        select(ReferenceFramework, func.count(ReferenceNode.id))
        .outerjoin(ReferenceNode, ReferenceNode.framework_id == ReferenceFramework.id)
        .group_by(ReferenceFramework.id)
        .order_by(ReferenceFramework.position, ReferenceFramework.key)
    )
    if not include_retired:
        query = query.where(ReferenceFramework.retired.is_(False))
    return [
        FrameworkSummary(f.key, f.title, f.publisher, f.version, f.status, f.phase_system, f.retired, count)
        for f, count in session.execute(query)
    ]


def framework_by_key(session: Session, key: str) -> ReferenceFramework:
    framework = session.scalar(select(ReferenceFramework).where(ReferenceFramework.key == key))
    if framework is None:
        raise NotFound(_l("There is no reference framework %(key)s.", key=key))
    return framework


@dataclass
class GoalRef:
    code: str
    title: str
    status: str
    relation: str


@dataclass
class NodeView:
    id: int
    code: str
    kind: str
    short_title: str
    official_text: str | None
    deprecated: bool
    replaced_by_uuid: str | None
    uuid: str | None
    depth: int
    parent_id: int | None
    goals: list[GoalRef] = field(default_factory=list)
    served_below: bool = False  # a node under this one is served by one of our goals

    @property
    def served(self) -> bool:
        return bool(self.goals) or self.served_below


@dataclass
class FrameworkTree:
    framework: FrameworkSummary
    nodes: list[NodeView]  # depth-first, in the framework's order

    @property
    def unserved(self) -> list[NodeView]:
        return [n for n in self.nodes if not n.served]


def framework_tree(session: Session, key: str, published_only: bool = False) -> FrameworkTree:
    """The framework's nodes as a tree (depth-first), each with the goals that serve it (three queries)."""
    framework = framework_by_key(session, key)
    rows = list(session.scalars(
        select(ReferenceNode).where(ReferenceNode.framework_id == framework.id)
        .order_by(ReferenceNode.position, ReferenceNode.code)
    ))
    goal_query = (
        select(CrosswalkLink.node_id, Goal.code, Goal.title, Goal.status, CrosswalkLink.relation)
        .join(Goal, Goal.id == CrosswalkLink.goal_id)
        .join(ReferenceNode, ReferenceNode.id == CrosswalkLink.node_id)
        .where(ReferenceNode.framework_id == framework.id)
        .order_by(Goal.code)
    )
    if published_only:
        goal_query = goal_query.where(Goal.status == GoalStatus.PUBLISHED)
    goals = defaultdict(list)
    for node_id, code, title, status, relation in session.execute(goal_query):
        goals[node_id].append(GoalRef(code, title, status, relation))
    ordered = _depth_first(rows)
    views = {
        node.id: NodeView(node.id, node.code, node.kind, node.short_title, node.official_text, node.deprecated,
                          node.replaced_by_uuid, node.uuid, depth, node.parent_id, goals.get(node.id, []))
        for node, depth in ordered
    }
    for view in views.values():
        if view.goals:
            parent = views.get(view.parent_id)
            while parent is not None and not parent.served_below:
                parent.served_below = True
                parent = views.get(parent.parent_id)
    summary = FrameworkSummary(framework.key, framework.title, framework.publisher, framework.version,
                               framework.status, framework.phase_system, framework.retired, len(rows))
    return FrameworkTree(summary, [views[node.id] for node, _ in ordered])


def _depth_first(nodes) -> list[tuple]:
    """(node, depth) pairs, children right after their parent, in the given order."""
    children = defaultdict(list)
    ids = {n.id for n in nodes}
    for node in nodes:
        children[node.parent_id if node.parent_id in ids else None].append(node)
    out = []

    def walk(parent_id, depth):
        for node in children.get(parent_id, []):
            out.append((node, depth))
            walk(node.id, depth + 1)

    walk(None, 0)
    return out


# --- The crosswalk of one goal ---------------------------------------------------------------
@dataclass
class CrosswalkEntry:
    link_id: int
    framework_key: str
    framework_title: str
    framework_retired: bool
    node_code: str
    node_kind: str
    node_short_title: str
    official_text: str | None
    relation: str
    deprecated: bool
    replaced_by_uuid: str | None
    replacement_code: str | None  # the replacing node, when it is in our reference data
    replacement_title: str | None

    @property
    def proposes_replacement(self) -> bool:
        return self.deprecated and self.replacement_code is not None


def crosswalk_for_goal(session: Session, goal_id: int) -> list[CrosswalkEntry]:
    """The reference nodes one goal serves, grouped by framework, with replacements (one query)."""
    replacement = aliased(ReferenceNode)
    rows = session.execute(
        select(CrosswalkLink.id, ReferenceFramework.key, ReferenceFramework.title, ReferenceFramework.retired,
               ReferenceNode.code, ReferenceNode.kind, ReferenceNode.short_title, ReferenceNode.official_text,
               CrosswalkLink.relation, ReferenceNode.deprecated, ReferenceNode.replaced_by_uuid,
               replacement.code, replacement.short_title)
        .join(ReferenceNode, ReferenceNode.id == CrosswalkLink.node_id)
        .join(ReferenceFramework, ReferenceFramework.id == ReferenceNode.framework_id)
        .outerjoin(replacement, replacement.uuid == ReferenceNode.replaced_by_uuid)
        .where(CrosswalkLink.goal_id == goal_id)
        .order_by(ReferenceFramework.position, ReferenceFramework.key, ReferenceNode.code)
    )
    return [CrosswalkEntry(*row) for row in rows]


def goal_by_code(session: Session, code: str) -> Goal:
    goal = session.scalar(select(Goal).where(Goal.code == code))
    if goal is None:
        raise NotFound(_l("There is no goal with code %(code)s.", code=code))
    return goal


def framework_choices(session: Session) -> list[tuple[str, str]]:
    """The frameworks an editor may link goals to: every one that is not retired."""
    return [(f.key, f.title) for f in list_frameworks(session, include_retired=False)]


def find_node(session: Session, framework_key: str, reference: str) -> ReferenceNode:
    """A node of a framework by its code (KD2025-PO-29A) or SLO UUID; ValidationError naming the field."""
    framework = session.scalar(select(ReferenceFramework).where(ReferenceFramework.key == (framework_key or "")))
    if framework is None:
        raise ValidationError(_l("Choose one of the reference frameworks."), field="framework")
    if framework.retired:
        raise ValidationError(_l("This reference framework is retired; goals can no longer be linked to it."),
                              field="framework")
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError(_l("Enter the code or UUID of a kerndoel, doelzin or bouwsteen."), field="node")
    if UUID_PATTERN.match(reference.lower()):
        condition = ReferenceNode.uuid == reference.lower()
    else:
        condition = func.upper(ReferenceNode.code) == reference.upper()
    node = session.scalar(select(ReferenceNode).where(ReferenceNode.framework_id == framework.id, condition))
    if node is None:
        raise ValidationError(_l("%(framework)s has no node %(reference)s.", framework=framework.title,
                                 reference=reference), field="node")
    return node


def add_link(session: Session, goal: Goal, framework_key: str, reference: str, relation: str,
             user) -> CrosswalkLink:
    """Link a goal to a reference node; a retired framework, an unknown node or a duplicate is refused."""
    if relation not in set(CrosswalkRelation):
        raise ValidationError(_l("Choose how the goal relates to the node."), field="relation")
    node = find_node(session, framework_key, reference)
    exists = session.scalar(select(CrosswalkLink.id).where(CrosswalkLink.goal_id == goal.id,
                                                           CrosswalkLink.node_id == node.id))
    if exists is not None:
        raise ValidationError(_l("%(goal)s is already linked to %(node)s.", goal=goal.code, node=node.code),
                              field="node")
    link = CrosswalkLink(goal_id=goal.id, node_id=node.id, relation=relation, created_by_id=getattr(user, "id", None))
    session.add(link)
    session.flush()
    record_audit(session, user, "crosswalk.add", "goal", goal.id, f"{goal.code} {relation} {node.code}")
    return link


def _link_of_goal(session: Session, goal: Goal, link_id) -> CrosswalkLink:
    try:
        link_id = int(link_id)
    except (TypeError, ValueError):
        link_id = 0
    link = session.scalar(select(CrosswalkLink).where(CrosswalkLink.id == link_id,
                                                      CrosswalkLink.goal_id == goal.id))
    if link is None:
        raise NotFound(_l("This link does not exist (any more)."))
    return link


def remove_link(session: Session, goal: Goal, link_id, user) -> str:
    """Remove one of the goal's links; returns the code of the node it pointed to."""
    link = _link_of_goal(session, goal, link_id)
    code = session.scalar(select(ReferenceNode.code).where(ReferenceNode.id == link.node_id))
    session.delete(link)
    session.flush()
    record_audit(session, user, "crosswalk.remove", "goal", goal.id, f"{goal.code} -/- {code}")
    return code


def replace_link(session: Session, goal: Goal, link_id, user) -> CrosswalkLink:
    """An editor confirms the replacement SLO names for a deprecated node: the link moves to the new node.

    Refused when the node is not deprecated, its replacement is not in our
    reference data, or the goal is already linked to the replacement.
    """
    link = _link_of_goal(session, goal, link_id)
    node = session.get(ReferenceNode, link.node_id)
    if not node.deprecated or not node.replaced_by_uuid:
        raise ValidationError(_l("%(node)s has not been replaced.", node=node.code))
    new = session.scalar(select(ReferenceNode).where(ReferenceNode.uuid == node.replaced_by_uuid))
    if new is None:
        raise ValidationError(_l("The node that replaces %(node)s is not in the reference data yet.",
                                 node=node.code))
    if session.scalar(select(CrosswalkLink.id).where(CrosswalkLink.goal_id == goal.id,
                                                     CrosswalkLink.node_id == new.id)) is not None:
        raise ValidationError(_l("%(goal)s is already linked to %(node)s.", goal=goal.code, node=new.code))
    relation = link.relation
    session.delete(link)
    session.flush()
    replacement = CrosswalkLink(goal_id=goal.id, node_id=new.id, relation=relation,
                                created_by_id=getattr(user, "id", None))
    session.add(replacement)
    session.flush()
    record_audit(session, user, "crosswalk.replace", "goal", goal.id, f"{goal.code}: {node.code} -> {new.code}")
    return replacement


# --- Coverage per kerndoel -------------------------------------------------------------------
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
    published and the row's groep is one the goal is meant for (the bit test of schools.coverage)."""
    groep_bit = literal(1).op("<<")(PlanEntry.groep - 1)
    return Goal.status == GoalStatus.PUBLISHED, Goal.groepen_mask.op("&")(groep_bit) != 0


def kerndoel_coverage(session: Session, school_id: int, year: int, framework_key: str) -> list[NodeCoverage]:
    """For each node of a framework: which of the school's planned packages cover it, in which groepen.

    The rule is the one of the per-goal views (wt_curriculum.schools.coverage):
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
    for node, depth in _depth_first(nodes):
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


KD2006 = "kd2006-po"
KD2025 = "kd2025-po"


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


# --- Coverage per kerndoel: pages ------------------------------------------------------------
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


def _summary(framework: ReferenceFramework, node_count: int) -> FrameworkSummary:
    return FrameworkSummary(framework.key, framework.title, framework.publisher, framework.version,
                            framework.status, framework.phase_system, framework.retired, node_count)


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
    return SchoolKerndoelCoverage(_summary(framework, len(nodes)), school_id, year, nodes, has_plan)


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
    from ..schools.models import Network, School

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
            for node, depth in _depth_first(nodes)]
    return NetworkKerndoelCoverage(
        _summary(framework, len(nodes)), network.id, network.name, year,
        [SchoolRef(s.id, s.name, f"{s.brin}{s.vestiging}", s.id in planning) for s in schools], rows,
    )
