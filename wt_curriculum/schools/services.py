"""Schools, networks and year plans: plain functions that take the session."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Network, School


def list_networks(session: Session, include_archived: bool = False) -> list[Network]:
    query = select(Network).order_by(Network.name)
    if not include_archived:
        query = query.where(Network.archived.is_(False))
    return list(session.scalars(query))


def list_schools(session: Session, network_id: int | None = None, include_archived: bool = False) -> list[School]:
    query = select(School).order_by(School.name)
    if network_id is not None:
        query = query.where(School.network_id == network_id)
    if not include_archived:
        query = query.where(School.archived.is_(False))
    return list(session.scalars(query))


def school_by_code(session: Session, code: str) -> School | None:
    """A school by its BRIN + vestiging code, e.g. 12AB00 (vestiging 00 when only BRIN is given)."""
    code = (code or "").strip().upper()
    brin, vestiging = code[:4], code[4:] or "00"
    return session.scalar(select(School).where(School.brin == brin, School.vestiging == vestiging))


def network_by_code(session: Session, code: str) -> Network | None:
    return session.scalar(select(Network).where(Network.code == (code or "").strip().upper()))
