"""Turning part of a reference framework into goals of our own: an explicit action with a preview.

An editor picks a node of a reference framework (a foreign CASE framework, say) and one of our domains. When the
node's children are all leaves, the node becomes one strand and its children its goals; otherwise each child
becomes a strand and everything below it (depth-first) its goals. Codes follow ours: the next free strand
numbers of the domain, goals numbered within their strand. Every goal is a draft (never published here), gets
its first revision, and is linked to the node it came from (exactMatchOf) in the crosswalk. All or nothing: the
caller commits once, or rolls back on any error.
"""
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ValidationError
from ..objectives import services as objectives
from ..objectives.models import Domain, Strand
from .models import CrosswalkLink, CrosswalkRelation, ReferenceNode
from .services import depth_first, framework_by_key

MAX_GOALS = 300  # one adoption; more is a sign the wrong node was picked
SOURCE = re.compile(r"[A-Za-z0-9.\-]{1,20}")


@dataclass
class PlannedGoal:
    code: str
    title: str
    description: str
    node_id: int
    node_code: str
    node_uuid: str | None


@dataclass
class PlannedStrand:
    code: str
    title: str
    description: str
    node_code: str
    goals: list[PlannedGoal] = field(default_factory=list)


@dataclass
class AdoptionPlan:
    framework_key: str
    framework_title: str
    node_code: str
    node_title: str
    domain_id: int
    domain_code: str
    strands: list[PlannedStrand]

    @property
    def goal_count(self) -> int:
        return sum(len(s.goals) for s in self.strands)

    def digest(self) -> str:
        """What the editor saw: the confirmation is refused when the plan has changed since."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:32]


def _cut(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def plan_adoption(session: Session, framework_key: str, node_code: str, domain_id) -> AdoptionPlan:
    """The strands and goals that taking over this node would make (three queries); ValidationError naming the
    field when the node or the domain cannot be used."""
    framework = framework_by_key(session, framework_key)
    if framework.retired:
        raise ValidationError(_("This reference framework is retired; its items cannot be taken over."), field="node")
    nodes = list(session.scalars(select(ReferenceNode).where(ReferenceNode.framework_id == framework.id)
                                 .order_by(ReferenceNode.position, ReferenceNode.code)))
    wanted = (node_code or "").strip().upper()
    root = next((n for n in nodes if n.code.upper() == wanted), None)
    if root is None:
        raise ValidationError(_("%(framework)s has no node %(code)s.", framework=framework.title,
                                code=(node_code or "").strip()[:60]), field="node")
    domain = session.get(Domain, domain_id) if isinstance(domain_id, int) else None
    if domain is None:
        raise ValidationError(_("Choose a domain."), field="domain")
    children = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    below = children.get(root.id, [])
    if not below:
        raise ValidationError(_("%(code)s has no items below it: choose the node above it.", code=root.code),
                              field="node")
    groups = [(root, below)] if not any(children.get(c.id) for c in below) else [
        (child, [n for n, _depth in depth_first(_subtree(children, child))] or [child]) for child in below]
    taken = {code for code in session.scalars(select(Strand.code).where(Strand.domain_id == domain.id))}
    numbers = [int(c.rsplit(".", 1)[1]) for c in taken if c.rsplit(".", 1)[-1].isdigit()]
    next_number = max(numbers, default=0) + 1
    if next_number + len(groups) - 1 > 999:
        raise ValidationError(_("Domain %(domain)s has no free strand numbers left.", domain=domain.code),
                              field="domain")
    strands = []
    for offset, (head, members) in enumerate(groups):
        code = f"{domain.code}.{next_number + offset}"
        strand = PlannedStrand(code, _cut(head.short_title, objectives.MAX_TITLE),
                               _cut(head.official_text or "", objectives.MAX_DESCRIPTION), head.code)
        for number, node in enumerate(members, start=1):
            text = node.official_text or ""
            strand.goals.append(PlannedGoal(
                f"{code}.{number}", _cut(node.short_title or text, objectives.MAX_TITLE),
                _cut(text, objectives.MAX_DESCRIPTION) if text.strip() != (node.short_title or "").strip() else "",
                node.id, node.code, node.uuid))
        strands.append(strand)
    plan = AdoptionPlan(framework.key, framework.title, root.code, root.short_title, domain.id, domain.code, strands)
    if plan.goal_count > MAX_GOALS:
        raise ValidationError(ngettext("This would make %(num)s goal; at most %(max)s can be taken over at once.",
                                       "This would make %(num)s goals; at most %(max)s can be taken over at once. "
                                       "Choose a node lower in the tree.", plan.goal_count, max=MAX_GOALS),
                              field="node")
    return plan


def _subtree(children, head) -> list:
    """The nodes below `head`, with parents that make depth_first start at head's children."""
    out, stack = [], list(children.get(head.id, []))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(children.get(node.id, []))
    # depth_first takes the nodes whose parent is not in the list (head's children) as its roots.
    return sorted(out, key=lambda n: (n.position, n.code))


def adopt(session: Session, plan: AdoptionPlan, groepen: list[int], editor) -> list:
    """Make the planned strands and draft goals, each goal with its first revision and its crosswalk link to the
    node it came from; flush, never commit."""
    note = _("Taken over from %(framework)s, %(code)s.", framework=plan.framework_title, code=plan.node_code)
    goals = []
    for planned in plan.strands:
        strand = objectives.create_strand(session, objectives.StrandData(
            planned.code, plan.domain_id, planned.title, planned.description,
            planned.node_code if SOURCE.fullmatch(planned.node_code) else ""), editor)
        for item in planned.goals:
            goal = objectives.create_goal(session, objectives.GoalData(
                item.code, plan.domain_id, strand.id, item.title, item.description, groepen, "",
                item.node_code if SOURCE.fullmatch(item.node_code) else ""), editor, note[:objectives.MAX_NOTE])
            session.add(CrosswalkLink(goal_id=goal.id, node_id=item.node_id, relation=CrosswalkRelation.EXACT,
                                      created_by_id=getattr(editor, "id", None)))
            goals.append(goal)
    session.flush()
    return goals
