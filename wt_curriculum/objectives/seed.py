"""Load the seed framework (seeds/framework.yaml) into the database, idempotently."""
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.services import record_revision
from ..groepen import to_mask
from .models import Domain, FrameworkRelease, Goal, GoalStatus, Strand


def load_framework(session: Session, data: dict) -> str:
    """Add the domains, strands and goals that are not there yet (matched by uuid), published."""
    from .services import revision_snapshot

    now = datetime.now(UTC)
    domains = {d.uuid: d for d in session.scalars(select(Domain))}
    strands = {s.uuid: s for s in session.scalars(select(Strand))}
    goals = {g.uuid: g for g in session.scalars(select(Goal))}
    added = 0
    for d_pos, d in enumerate(data["domains"], start=1):
        domain = domains.get(d["uuid"])
        if domain is None:
            domain = Domain(uuid=d["uuid"], code=d["code"], title=d["title"],
                            description=d.get("description", ""), position=d_pos)
            session.add(domain)
            session.flush()
        for s_pos, s in enumerate(d["strands"], start=1):
            strand = strands.get(s["uuid"])
            if strand is None:
                strand = Strand(uuid=s["uuid"], code=s["code"], domain_id=domain.id, title=s["title"],
                                description=s.get("description", ""), source_code=s.get("source", ""),
                                position=s_pos)
                session.add(strand)
                session.flush()
            for g_pos, g in enumerate(s["goals"], start=1):
                if g["uuid"] in goals:
                    continue
                goal = Goal(
                    uuid=g["uuid"], code=g["code"], strand_id=strand.id, title=g["title"],
                    description=g.get("description", ""), groepen_mask=to_mask(g["groepen"]),
                    keywords=", ".join(g.get("keywords", [])), source_code=g.get("source", ""),
                    status=GoalStatus.PUBLISHED, position=g_pos, published_at=now,
                )
                session.add(goal)
                session.flush()
                record_revision(session, "goal", goal.id, revision_snapshot(goal, strand.code), "create", None,
                                f"seed {data['version']}")
                added += 1
    version = str(data["version"])
    if session.scalar(select(FrameworkRelease.id).where(FrameworkRelease.version == version)) is None:
        published_on = data.get("published_on") or date.today()
        session.add(FrameworkRelease(version=version, published_on=published_on, note="seed"))
        session.flush()
    return f"Framework {version}: {added} goals added, {len(goals)} were already there."
