"""Demo lesson packages from seeds/demo.yaml, matched by a uuid derived from the title."""
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.services import record_revision
from ..groepen import to_mask
from ..objectives.models import Goal
from ..organisations.models import Network
from .models import Alignment, LessonPackage, PackageStatus
from .services import package_snapshot

DEMO_NAMESPACE = uuid.UUID("6f1c3a52-3f57-4d0e-9a51-0b7d2f4f9c11")


def load_demo_packages(session: Session, data: dict) -> str:
    """Add the demo packages that are not there yet, each with a first ("create") revision."""
    networks = {n.code: n.id for n in session.scalars(select(Network))}
    goals = {code: gid for gid, code in session.execute(select(Goal.id, Goal.code))}
    existing = set(session.scalars(select(LessonPackage.uuid)))
    now = datetime.now(UTC)
    added = 0
    for p in data.get("packages", []):
        package_uuid = str(uuid.uuid5(DEMO_NAMESPACE, p["title"]))
        if package_uuid in existing:
            continue
        status = p.get("status", PackageStatus.PUBLISHED)
        package = LessonPackage(
            uuid=package_uuid, title=p["title"], summary=p.get("summary", ""),
            description=p.get("description", ""), groepen_mask=to_mask(p["groepen"]),
            lesson_count=p.get("lessons", 1), minutes_per_lesson=p.get("minutes", 45),
            materials="\n".join(p.get("materials", [])), keywords=", ".join(p.get("keywords", [])),
            network_id=networks[p["network"]], authors=", ".join(p.get("authors", [])),
            licence=p.get("licence", "CC-BY-SA"), links="\n".join(p.get("links", [])),
            status=status, published_at=now if status != PackageStatus.DRAFT else None,
        )
        package.alignments = [Alignment(goal_id=goals[a["goal"]], relation=a["relation"]) for a in p["alignments"]]
        session.add(package)
        session.flush()
        record_revision(session, "package", package.id, package_snapshot(session, package), "create", None,
                        "demo data")
        existing.add(package_uuid)
        added += 1
    session.flush()
    return f"Demo packages: {added} added."
