"""Reference frameworks and the crosswalk: plain functions that take the session.

They flush but never commit, and raise the domain errors of wt_curriculum.errors.
Read functions return dataclasses so HTML, PDF, CSV and the API share one shape.
"""
import re
import uuid as uuidlib
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ..core import stemming
from ..core.services import record_audit
from ..errors import NotFound, ValidationError
from ..numbers import whole_or_none
from ..objectives.models import Goal, GoalStatus
from .models import CrosswalkLink, CrosswalkRelation, ReferenceFramework, ReferenceNode, ReferenceNodeAlias

UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Namespace of the identifiers we make for reference nodes whose publisher gives none (curriculum.nu's
# bouwstenen): uuid5 of "framework key/code". Never change it: exports carry these identifiers.
REFERENCE_NAMESPACE = uuidlib.UUID("4b1d5c0e-8f2a-5e36-9a47-0c9d3e2b7f15")


# --- Identifiers ---------------------------------------------------------------------------------------------
def derived_uuid(framework_key: str, code: str) -> str:
    """The stable identifier of a node that has none of its own (the same in every database)."""
    return str(uuidlib.uuid5(REFERENCE_NAMESPACE, f"{framework_key}/{code}"))


def is_derived_uuid(framework_key: str, code: str, value: str | None) -> bool:
    """Whether the node's identifier is ours (derived), not its publisher's."""
    return value is not None and value == derived_uuid(framework_key, code)


@dataclass(frozen=True)
class NodeIdentifiers:
    current: str
    aliases: tuple[str, ...]  # identifiers the publisher deprecated for this node, still recognised

    @property
    def all(self) -> tuple[str, ...]:
        return (self.current, *self.aliases)


def node_identifiers(session: Session, node_ids) -> dict[int, NodeIdentifiers]:
    """Current identifier and aliases of each node (two queries for any number of nodes)."""
    node_ids = list(node_ids)
    if not node_ids:
        return {}
    aliases = defaultdict(list)
    for node_id, alias in session.execute(
        select(ReferenceNodeAlias.node_id, ReferenceNodeAlias.uuid)
        .where(ReferenceNodeAlias.node_id.in_(node_ids)).order_by(ReferenceNodeAlias.id)
    ):
        aliases[node_id].append(alias)
    return {node_id: NodeIdentifiers(current, tuple(aliases.get(node_id, ())))
            for node_id, current in session.execute(
                select(ReferenceNode.id, ReferenceNode.uuid).where(ReferenceNode.id.in_(node_ids)))}


def kerndoel_uuids(session: Session, node: ReferenceNode | int) -> tuple[str, tuple[str, ...]]:
    """`(current, aliases)` of one node: SLO's current UUID and the deprecated ones that still match it
    (Edurep's mapping of 2019 uses those). For classifications, exports and matching."""
    node_id = node if isinstance(node, int) else node.id
    found = node_identifiers(session, [node_id]).get(node_id)
    if found is None:
        raise NotFound(_l("This reference node does not exist."))
    return found.current, found.aliases


def resolve_uuids(session: Session, values) -> dict[str, int]:
    """Node id for each given identifier that is a node's current identifier or one of its aliases."""
    wanted = {v.strip().lower() for v in values if isinstance(v, str)}
    if not wanted:
        return {}
    found = dict(session.execute(select(ReferenceNode.uuid, ReferenceNode.id)
                                 .where(ReferenceNode.uuid.in_(wanted))).tuples().all())
    found.update(dict(session.execute(select(ReferenceNodeAlias.uuid, ReferenceNodeAlias.node_id)
                                      .where(ReferenceNodeAlias.uuid.in_(wanted - set(found)))).tuples().all()))
    return found


def node_location(session: Session, identifier: str) -> tuple[str, str]:
    """(framework key, node code) of the node with this identifier, current or alias; NotFound otherwise."""
    value = (identifier or "").strip().lower()
    node_id = resolve_uuids(session, [value]).get(value) if UUID_PATTERN.match(value) else None
    row = session.execute(
        select(ReferenceFramework.key, ReferenceNode.code)
        .join(ReferenceNode, ReferenceNode.framework_id == ReferenceFramework.id)
        .where(ReferenceNode.id == (node_id or 0))
    ).first()
    if row is None:
        raise NotFound(_l("There is no reference node with identifier %(uuid)s.", uuid=identifier[:40]))
    return row[0], row[1]


def add_alias(session: Session, node: ReferenceNode, value: str, note: str = "") -> bool:
    """Record an identifier the publisher replaced as an alias of the node (never twice); True when added."""
    value = value.strip().lower()
    if value == node.uuid:
        return False
    existing = session.scalar(select(ReferenceNodeAlias).where(ReferenceNodeAlias.uuid == value))
    if existing is not None:
        if existing.node_id != node.id:
            raise ValidationError(_l("The identifier %(uuid)s already belongs to another node.", uuid=value))
        return False
    session.add(ReferenceNodeAlias(node_id=node.id, uuid=value, note=note[:200]))
    session.flush()
    return True


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
    ordered = depth_first(rows)
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


def depth_first(nodes) -> list[tuple]:
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
        node_id = resolve_uuids(session, [reference]).get(reference.lower())
        condition = ReferenceNode.id == (node_id or 0)
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
    link_id = whole_or_none(link_id, 1) or 0  # a number out of the column's range is no link either
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


# --- The kerndoelen sets -------------------------------------------------------------------
KD2006 = "kd2006-po"
KD2025 = "kd2025-po"


def framework_summary(framework: ReferenceFramework, node_count: int) -> FrameworkSummary:
    return FrameworkSummary(framework.key, framework.title, framework.publisher, framework.version,
                            framework.status, framework.phase_system, framework.retired, node_count)


# --- Search inside reference frameworks ----------------------------------------------------------------
MAX_QUERY = 200
SEARCH_LIMIT = 100


@dataclass
class NodeHit:
    framework_key: str
    framework_title: str
    code: str
    kind: str
    short_title: str
    official_text: str | None
    uuid: str | None
    deprecated: bool
    by_code: bool  # found by its code (else by words of its text)


@dataclass
class NodeSearch:
    query: str
    hits: list[NodeHit]
    total: int  # hits before the limit

    @property
    def more(self) -> bool:
        return self.total > len(self.hits)


def search_nodes(session: Session, query: str, framework_key: str | None = None,
                 limit: int = SEARCH_LIMIT) -> NodeSearch:
    """Nodes whose code contains the query (case-insensitive), or whose text holds every word of it (Dutch
    stems, as the lesson search; the last word may be the start of one). Code matches first, exact ones on top,
    then by framework and the framework's order. One query: a framework's nodes are few (hundreds to thousands),
    so the words are matched here rather than by an index."""
    query = " ".join((query or "").split())[:MAX_QUERY]
    if not query:
        return NodeSearch(query, [], 0)
    statement = (
        select(ReferenceFramework.key, ReferenceFramework.title, ReferenceNode.code, ReferenceNode.kind,
               ReferenceNode.short_title, ReferenceNode.official_text, ReferenceNode.uuid, ReferenceNode.deprecated)
        .join(ReferenceFramework, ReferenceFramework.id == ReferenceNode.framework_id)
        .order_by(ReferenceFramework.position, ReferenceFramework.key, ReferenceNode.position, ReferenceNode.code)
    )
    if framework_key is not None:
        statement = statement.where(ReferenceFramework.key == framework_key)
    wanted = [w for w in stemming.words(query) if not stemming.is_stop_word(w)] or stemming.words(query)
    *whole, last = wanted or [""]
    whole_stems = {stemming.stem(w) for w in whole}
    needle = query.lower()
    coded, worded = [], []
    for row in session.execute(statement):
        code = row.code or ""
        if needle in code.lower():
            coded.append((code.lower() != needle, NodeHit(*row, by_code=True)))
            continue
        if not wanted:
            continue
        text_words = stemming.words(f"{row.short_title} {row.official_text or ''}")
        stems = {stemming.stem(w) for w in text_words}
        if whole_stems <= stems and (stemming.stem(last) in stems or any(w.startswith(last) for w in text_words)):
            worded.append(NodeHit(*row, by_code=False))
    coded.sort(key=lambda pair: pair[0])  # stable: exact codes first, then the framework's order
    hits = [hit for _, hit in coded] + worded
    return NodeSearch(query, hits[:limit], len(hits))
