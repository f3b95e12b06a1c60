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


# --- School years: stored as the start year (2026 = school year 2026-2027) -------------------
def format_school_year(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


def parse_school_year(text: str) -> int:
    """'2026-2027' -> 2026. Raises ValidationError for anything else."""
    from flask_babel import lazy_gettext as _l

    from ..errors import ValidationError

    text = (text or "").strip()
    parts = text.split("-")
    if len(parts) == 2 and all(p.isdigit() and len(p) == 4 for p in parts):
        start, end = int(parts[0]), int(parts[1])
        if end == start + 1 and 2000 <= start <= 2100:
            return start
    raise ValidationError(_l("A school year is written as 2026-2027."), field="school_year")


def current_school_year(today=None) -> int:
    """The school year runs from 1 August: on 25 November 2026 it is 2026-2027."""
    from datetime import date

    today = today or date.today()
    return today.year if today.month >= 8 else today.year - 1


def school_year_choices(around: int | None = None) -> list[tuple[str, str]]:
    """Last year, this year and the next two, for select boxes."""
    current = around or current_school_year()
    return [(format_school_year(y), format_school_year(y)) for y in range(current - 1, current + 3)]
