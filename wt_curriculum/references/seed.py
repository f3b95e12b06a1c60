"""Load the reference frameworks (seeds/references.yaml) and the seed crosswalk (seeds/framework.yaml).

Frameworks match by key and nodes by framework + code, so running the seed
again adds nothing twice. Short titles, status and phase system follow the
seed file; official texts are never seeded (the importer fills them).
"""
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..objectives.models import Goal
from .models import CrosswalkLink, CrosswalkRelation, ReferenceFramework, ReferenceNode, ReferenceNodeAlias
from .services import derived_uuid

# Which list of a seed goal in framework.yaml links to which reference framework, and how.
SEED_LISTS = (
    ("kerndoelen_2006", "kd2006-po", CrosswalkRelation.RELATED),
    ("doelzinnen_2025", "kd2025-po", CrosswalkRelation.RELATED),
)
# Our goals are worked out from one curriculum.nu bouwsteen each (`source`): a part of it.
SOURCE_FRAMEWORK = "cnu-2019"


def load_references(session: Session, data: dict) -> str:
    """Add the frameworks and nodes that are not there yet; keep titles, status and order up to date."""
    frameworks = {f.key: f for f in session.scalars(select(ReferenceFramework))}
    nodes = {(n.framework_id, n.code): n for n in session.scalars(select(ReferenceNode))}
    aliases = set(session.scalars(select(ReferenceNodeAlias.uuid)))
    added_frameworks = added_nodes = 0
    for position, f in enumerate(data["frameworks"], start=1):
        framework = frameworks.get(f["key"])
        if framework is None:
            framework = ReferenceFramework(key=f["key"])
            session.add(framework)
            added_frameworks += 1
        framework.title = f["title"]
        framework.publisher = f.get("publisher", "")
        framework.version = str(f.get("version", ""))
        framework.status = f["status"]
        framework.phase_system = f["phase_system"]
        framework.retired = bool(f.get("retired", False))
        framework.position = position
        session.flush()
        added_nodes += _load_nodes(session, framework, f.get("nodes", []), None, nodes, aliases)
    return (f"Reference frameworks: {added_frameworks} frameworks and {added_nodes} nodes added, "
            f"{len(nodes) - added_nodes} nodes were already there.")


def _load_nodes(session, framework, items, parent, nodes, aliases) -> int:
    added = 0
    for position, item in enumerate(items, start=1):
        node = nodes.get((framework.id, item["code"]))
        if node is None:
            node = ReferenceNode(framework_id=framework.id, code=item["code"])
            session.add(node)
            nodes[(framework.id, item["code"])] = node
            added += 1
        node.kind = item["kind"]
        node.short_title = item["short_title"]
        node.parent_id = parent.id if parent is not None else None
        node.position = position
        # The publisher's identifier, or a stable one of ours (uuid5 of key and code) when it gives none. A node
        # that still carries an identifier the publisher replaced (an older seed) moves to the current one.
        derived = derived_uuid(framework.key, item["code"])
        wanted = item.get("uuid") or derived
        old = [a.lower() for a in item.get("aliases") or []]
        if node.uuid is None or node.uuid in old or (node.uuid == derived and wanted != derived):
            node.uuid = wanted
        session.flush()
        for alias in old:
            if alias not in aliases:
                session.add(ReferenceNodeAlias(node_id=node.id, uuid=alias,
                                               note="deprecated by the publisher; still used elsewhere"))
                aliases.add(alias)
        added += _load_nodes(session, framework, item.get("children", []), node, nodes, aliases)
    return added


def load_seed_crosswalk(session: Session, framework_data: dict) -> str:
    """Link every seed goal to the kerndoelen and doelzinnen framework.yaml lists for it (never twice).

    Codes that are not in the reference data are reported, not guessed.
    """
    goals = dict(session.execute(select(Goal.uuid, Goal.id)).all())
    node_ids = {
        (key, code): node_id
        for key, code, node_id in session.execute(
            select(ReferenceFramework.key, ReferenceNode.code, ReferenceNode.id)
            .join(ReferenceFramework, ReferenceFramework.id == ReferenceNode.framework_id)
        )
    }
    existing = set(session.execute(select(CrosswalkLink.goal_id, CrosswalkLink.node_id)).tuples())
    added, unknown = 0, set()
    for domain in framework_data["domains"]:
        for strand in domain["strands"]:
            for g in strand["goals"]:
                goal_id = goals.get(g["uuid"])
                if goal_id is None:
                    continue
                wanted = [(framework_key, code, relation)
                          for list_name, framework_key, relation in SEED_LISTS
                          for code in g.get(list_name) or []]
                if g.get("source"):
                    wanted.append((SOURCE_FRAMEWORK, g["source"], CrosswalkRelation.PART_OF))
                for framework_key, code, relation in wanted:
                    node_id = node_ids.get((framework_key, code))
                    if node_id is None:
                        unknown.add(code)
                    elif (goal_id, node_id) not in existing:
                        session.add(CrosswalkLink(goal_id=goal_id, node_id=node_id, relation=relation))
                        existing.add((goal_id, node_id))
                        added += 1
    session.flush()
    line = f"Crosswalk: {added} links added, {len(existing) - added} were already there."
    if unknown:
        line += f" Unknown reference codes: {', '.join(sorted(unknown))}."
    return line
