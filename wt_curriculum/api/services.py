"""Small reads the API needs that no area service offers (yet): each runs one query."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..groepen import from_mask
from ..lessons.models import LessonPackage
from ..objectives.models import Domain, Goal, Strand
from ..organisations.models import Network, School


def framework_last_modified(session: Session) -> datetime | None:
    """When a domain, strand or goal last changed (for Last-Modified on the framework endpoints)."""
    row = session.execute(select(*(select(func.max(m.updated_at)).scalar_subquery() for m in (Domain, Strand, Goal))))
    found = [at for at in row.one() if at is not None]
    return max(found) if found else None


@dataclass
class PackageFacts:
    groepen: list[int]
    licence: str
    network_id: int
    network_code: str


def package_facts(session: Session, package_ids: list[int]) -> dict[int, PackageFacts]:
    """Machine-readable facts of search hits (groepen as numbers, licence code, network), for one page."""
    if not package_ids:
        return {}
    rows = session.execute(
        select(LessonPackage.id, LessonPackage.groepen_mask, LessonPackage.licence, Network.id, Network.code)
        .join(Network, Network.id == LessonPackage.network_id).where(LessonPackage.id.in_(package_ids)))
    return {pid: PackageFacts(from_mask(mask), licence, nid, ncode) for pid, mask, licence, nid, ncode in rows}


@dataclass
class SchoolItem:
    id: int
    code: str
    name: str
    place: str
    network_id: int | None
    network_code: str | None
    network_name: str | None


def schools_page(session: Session, network_id: int | None, page: int, per_page: int) -> tuple[list[SchoolItem], int]:
    """One page of the schools that are not archived (optionally of one network), by name: two queries."""
    query = select(School.id, School.brin, School.vestiging, School.name, School.place, Network.id, Network.code,
                   Network.name).outerjoin(Network, Network.id == School.network_id) \
        .where(School.archived.is_(False))
    if network_id is not None:
        query = query.where(School.network_id == network_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(School.name, School.id).limit(per_page).offset((page - 1) * per_page))
    return [SchoolItem(sid, f"{brin}{vestiging}", name, place, nid, ncode, nname)
            for sid, brin, vestiging, name, place, nid, ncode, nname in rows], total
