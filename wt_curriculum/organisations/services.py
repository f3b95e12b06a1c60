"""Networks and schools: plain functions that take the session."""
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..auth.models import User
from ..core.hooks import Hook
from ..core.services import record_audit
from ..errors import Conflict, NotFound, Problems, ValidationError
from .models import Network, School
from .provinces import BY_CODE as PROVINCES_BY_CODE

# Higher areas say why a school or network may not be deleted (year plans, lesson packages): each
# function takes (session, school) or (session, network) and returns a message, or None.
school_in_use = Hook("organisations.school_in_use")
network_in_use = Hook("organisations.network_in_use")


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


# --- Networks and schools: administration ----------------------------------------------------
@dataclass
class NetworkData:
    code: str
    name: str
    region: str = ""


@dataclass
class SchoolData:
    name: str
    brin: str
    vestiging: str = "00"
    place: str = ""
    network_id: int | None = None
    province: str | None = None  # a code of provinces.py, "" for none; None: leave the school's as it is


BRIN_PATTERN = re.compile(r"^[0-9]{2}[A-Z]{2}$")
VESTIGING_PATTERN = re.compile(r"^[0-9]{2}$")
NETWORK_CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")


def clean_network_data(data: NetworkData) -> NetworkData:
    """Normalise and check a network's fields; raises ValidationError naming the field."""
    code = (data.code or "").strip().upper()
    name = (data.name or "").strip()
    region = (data.region or "").strip()
    problems = Problems()  # every problem at once
    if not NETWORK_CODE_PATTERN.match(code):
        problems.add(_l("A network code has 1 to 20 letters, digits or hyphens, e.g. WT-UTR."), "code")
    if not name or len(name) > 200:
        problems.add(_l("Give the network a name (at most 200 characters)."), "name")
    if len(region) > 100:
        problems.add(_l("The region has at most 100 characters."), "region")
    problems.raise_any()
    return NetworkData(code=code, name=name, region=region)


def clean_school_data(data: SchoolData) -> SchoolData:
    """Normalise and check a school's fields: BRIN is 2 digits + 2 letters, vestiging 2 digits."""
    brin = (data.brin or "").strip().upper()
    vestiging = (data.vestiging or "").strip() or "00"
    if vestiging.isascii() and vestiging.isdigit() and len(vestiging) == 1:
        vestiging = vestiging.zfill(2)
    name = (data.name or "").strip()
    place = (data.place or "").strip()
    problems = Problems()  # every problem at once
    if not BRIN_PATTERN.match(brin):
        problems.add(_l("A BRIN code is two digits and two letters, e.g. 12AB."), "brin")
    if not VESTIGING_PATTERN.match(vestiging):
        problems.add(_l("A vestiging number is two digits, e.g. 00."), "vestiging")
    if not name or len(name) > 200:
        problems.add(_l("Give the school a name (at most 200 characters)."), "name")
    if len(place) > 100:
        problems.add(_l("The place has at most 100 characters."), "place")
    if data.province not in (None, "") and data.province not in PROVINCES_BY_CODE:
        problems.add(_l("Choose one of the twelve provinces."), "province")
    problems.raise_any()
    return SchoolData(name=name, brin=brin, vestiging=vestiging, place=place, network_id=data.network_id,
                      province=data.province)


def get_network(session: Session, network_id: int) -> Network:
    network = session.get(Network, network_id)
    if network is None:
        raise NotFound(_l("This network does not exist."))
    return network


def get_school(session: Session, school_id: int) -> School:
    school = session.get(School, school_id)
    if school is None:
        raise NotFound(_l("This school does not exist."))
    return school


def create_network(session: Session, data: NetworkData, actor=None) -> Network:
    data = clean_network_data(data)
    if network_by_code(session, data.code) is not None:
        raise ValidationError(_l("There is already a network with code %(code)s.", code=data.code), field="code")
    network = Network(code=data.code, name=data.name, region=data.region)
    session.add(network)
    session.flush()
    record_audit(session, actor, "network.create", "network", network.id, f"{data.code} {data.name}")
    return network


def _save_versioned(session: Session, record, expected_version: int | None, message) -> None:
    """Optimistic locking: the version the form was opened at must still be the stored one."""
    if expected_version is not None and expected_version != record.version:
        raise Conflict(message)
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(message) from None


NETWORK_CONFLICT = _l("Someone else saved this network after you opened it. Reload the page to see their version, "
                     "then make your change again.")
SCHOOL_CONFLICT = _l("Someone else saved this school after you opened it. Reload the page to see their version, "
                    "then make your change again.")


def update_network(session: Session, network: Network, data: NetworkData, actor=None,
                   expected_version: int | None = None) -> Network:
    if expected_version is not None and expected_version != network.version:
        raise Conflict(NETWORK_CONFLICT)
    data = clean_network_data(data)
    other = network_by_code(session, data.code)
    if other is not None and other.id != network.id:
        raise ValidationError(_l("There is already a network with code %(code)s.", code=data.code), field="code")
    network.code, network.name, network.region = data.code, data.name, data.region
    _save_versioned(session, network, expected_version, NETWORK_CONFLICT)
    record_audit(session, actor, "network.update", "network", network.id, f"{data.code} {data.name}")
    return network


def _check_network(session: Session, network_id: int | None) -> None:
    if network_id is not None and session.get(Network, network_id) is None:
        raise ValidationError(_l("Choose an existing network."), field="network_id")


def create_school(session: Session, data: SchoolData, actor=None) -> School:
    data = clean_school_data(data)
    _check_network(session, data.network_id)
    if school_by_code(session, data.brin + data.vestiging) is not None:
        raise ValidationError(_l("There is already a school with code %(code)s.", code=data.brin + data.vestiging),
                              field="brin")
    school = School(name=data.name, brin=data.brin, vestiging=data.vestiging, place=data.place,
                    network_id=data.network_id, province=data.province or "")
    session.add(school)
    session.flush()
    record_audit(session, actor, "school.create", "school", school.id, f"{school.code} {school.name}")
    return school


def update_school(session: Session, school: School, data: SchoolData, actor=None,
                  expected_version: int | None = None) -> School:
    if expected_version is not None and expected_version != school.version:
        raise Conflict(SCHOOL_CONFLICT)
    data = clean_school_data(data)
    _check_network(session, data.network_id)
    other = school_by_code(session, data.brin + data.vestiging)
    if other is not None and other.id != school.id:
        raise ValidationError(_l("There is already a school with code %(code)s.", code=data.brin + data.vestiging),
                              field="brin")
    school.name, school.brin, school.vestiging = data.name, data.brin, data.vestiging
    school.place, school.network_id = data.place, data.network_id
    if data.province is not None:
        school.province = data.province
    _save_versioned(session, school, expected_version, SCHOOL_CONFLICT)
    record_audit(session, actor, "school.update", "school", school.id, f"{school.code} {school.name}")
    return school


def set_network_archived(session: Session, network: Network, archived: bool, actor=None) -> None:
    network.archived = archived
    session.flush()
    record_audit(session, actor, "network.archive" if archived else "network.restore", "network", network.id,
                 network.code)


def set_school_archived(session: Session, school: School, archived: bool, actor=None) -> None:
    school.archived = archived
    session.flush()
    record_audit(session, actor, "school.archive" if archived else "school.restore", "school", school.id,
                 school.code)


def delete_school(session: Session, school: School, actor=None) -> None:
    """Delete a school without history; one with year plans or accounts must be archived instead."""
    for reason in school_in_use(session, school):
        raise Conflict(reason)
    if session.scalar(select(User.id).where(User.school_id == school.id).limit(1)) is not None:
        raise Conflict(_l("%(name)s still has accounts and cannot be deleted: archive it instead.", name=school.name))
    record_audit(session, actor, "school.delete", "school", school.id, f"{school.code} {school.name}")
    session.delete(school)
    session.flush()


def delete_network(session: Session, network: Network, actor=None) -> None:
    """Delete an empty network; one with schools, packages or accounts must be archived instead."""
    for reason in network_in_use(session, network):
        raise Conflict(reason)
    in_use = (
        session.scalar(select(School.id).where(School.network_id == network.id).limit(1)) is not None
        or session.scalar(select(User.id).where(User.network_id == network.id).limit(1)) is not None
    )
    if in_use:
        raise Conflict(_l("%(name)s still has schools, lesson packages or accounts and cannot be deleted: "
                          "archive it instead.", name=network.name))
    record_audit(session, actor, "network.delete", "network", network.id, f"{network.code} {network.name}")
    session.delete(network)
    session.flush()


@dataclass
class SchoolRow:
    id: int
    name: str
    code: str
    place: str
    network_id: int | None
    network_name: str | None
    archived: bool


@dataclass
class NetworkRow:
    id: int
    code: str
    name: str
    region: str
    archived: bool
    school_count: int


def school_overview(session: Session, include_archived: bool = True) -> tuple[list[NetworkRow], list[SchoolRow]]:
    """All networks (with their number of schools) and all schools with their network's name: two queries."""
    counts = (
        select(School.network_id, func.count(School.id).label("n"))
        .where(School.archived.is_(False)).group_by(School.network_id).subquery()
    )
    nq = (
        select(Network, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.network_id == Network.id).order_by(Network.name)
    )
    sq = select(School, Network.name).outerjoin(Network, Network.id == School.network_id).order_by(School.name)
    if not include_archived:
        nq = nq.where(Network.archived.is_(False))
        sq = sq.where(School.archived.is_(False))
    networks = [NetworkRow(n.id, n.code, n.name, n.region, n.archived, count) for n, count in session.execute(nq)]
    schools = [SchoolRow(s.id, s.name, s.code, s.place, s.network_id, network_name, s.archived)
               for s, network_name in session.execute(sq)]
    return networks, schools
