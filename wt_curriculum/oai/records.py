"""The records the OAI-PMH provider offers: published lesson packages, and withdrawn ones as deleted headers.

Plain functions taking the session. A record's datestamp is the package's `updated_at` (it moves on every change,
also when the package is withdrawn, which is when the deleted header gets its date). Lists are ordered by
(datestamp, id), so that a resumption token can say "after this one" and stays valid while records change: a
record that changes during a harvest moves to the end of the list instead of being skipped.
"""
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..lessons.models import Alignment, LessonPackage, PackageStatus
from ..lessons.services import OWN_PACKAGES
from ..objectives.models import Domain, Goal, Strand
from ..organisations.models import Network
from ..references.models import CrosswalkLink, NodeKind, ReferenceFramework, ReferenceNode

OFFERED = (PackageStatus.PUBLISHED, PackageStatus.WITHDRAWN)
SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
SLO_KINDS = (NodeKind.KERNDOEL, NodeKind.DOELZIN)


def current_slo_uuid(uuid: str, replaced_by_uuid: str | None = None) -> str:
    """The UUID SLO uses now for a reference node (the seed may still hold an older one).

    Issue #19 switches the seed to SLO's current UUIDs and keeps the old ones as deprecated aliases; when its
    helper lands, this is the one place to call it.
    """
    return replaced_by_uuid or uuid


@dataclass
class Taxon:
    uuid: str
    code: str
    title: str
    kind: str


@dataclass
class GoalInfo:
    code: str
    title: str
    domain_id: int


@dataclass
class Record:
    id: int
    uuid: str
    datestamp: datetime
    deleted: bool
    network_id: int
    network_name: str
    title: str = ""
    summary: str = ""
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    groepen: list[int] = field(default_factory=list)
    lesson_count: int = 1
    minutes_per_lesson: int = 45
    licence: str = ""
    published_at: datetime | None = None
    created_at: datetime | None = None
    goals: list[GoalInfo] = field(default_factory=list)
    taxa: list[Taxon] = field(default_factory=list)

    @property
    def set_specs(self) -> list[str]:
        domains = sorted({g.domain_id for g in self.goals})
        return [network_set(self.network_id)] + [domain_set(d) for d in domains]


def network_set(network_id: int) -> str:
    return f"netwerk:{network_id}"


def domain_set(domain_id: int) -> str:
    return f"domein:{domain_id}"


@dataclass
class SetInfo:
    spec: str
    name: str


def list_sets(session: Session) -> list[SetInfo]:
    """The set hierarchy: `netwerk` and `domein`, with one child per network and per domain."""
    networks = session.execute(select(Network.id, Network.name).order_by(Network.name, Network.id)).all()
    domains = session.execute(select(Domain.id, Domain.code, Domain.title).order_by(Domain.position, Domain.id)).all()
    sets: list[SetInfo] = []
    if networks:
        sets.append(SetInfo("netwerk", "Netwerken"))
        sets += [SetInfo(network_set(i), name) for i, name in networks]
    if domains:
        sets.append(SetInfo("domein", "Domeinen"))
        sets += [SetInfo(domain_set(i), f"{code} {title}") for i, code, title in domains]
    return sets


def has_sets(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Network))
                or session.scalar(select(func.count()).select_from(Domain)))


def _set_condition(set_spec: str | None):
    """The SQL condition for membership of a set; None for no set; False for a set that cannot exist."""
    if not set_spec:
        return None
    if set_spec == "netwerk":
        return LessonPackage.network_id.is_not(None)
    if set_spec == "domein":
        return LessonPackage.alignments.any()
    kind, _, number = set_spec.partition(":")
    if not number.isdigit() or ":" in number:
        return False
    if kind == "netwerk":
        return LessonPackage.network_id == int(number)
    if kind == "domein":
        in_domain = (select(Alignment.id).join(Goal, Goal.id == Alignment.goal_id)
                     .join(Strand, Strand.id == Goal.strand_id)
                     .where(Alignment.package_id == LessonPackage.id, Strand.domain_id == int(number)))
        return in_domain.exists()
    return False


@dataclass
class Query:
    """What a list request asks for: a window of datestamps ([start, end)), a set, and where to go on from."""

    start: datetime | None = None
    end: datetime | None = None
    set_spec: str | None = None
    after: tuple[datetime, int] | None = None


def _conditions(query: Query) -> list:
    conditions = [LessonPackage.status.in_(OFFERED), OWN_PACKAGES]
    if query.start is not None:
        conditions.append(LessonPackage.updated_at >= query.start)
    if query.end is not None:
        conditions.append(LessonPackage.updated_at < query.end)
    in_set = _set_condition(query.set_spec)
    if in_set is False:
        conditions.append(LessonPackage.id.is_(None))
    elif in_set is not None:
        conditions.append(in_set)
    return conditions


def count_records(session: Session, query: Query) -> int:
    return session.scalar(select(func.count(LessonPackage.id)).where(*_conditions(query)))


def _after(after: tuple[datetime, int]):
    stamp, last_id = after
    return or_(LessonPackage.updated_at > stamp, and_(LessonPackage.updated_at == stamp, LessonPackage.id > last_id))


def count_after(session: Session, query: Query, after: tuple[datetime, int]) -> int:
    """How many records of the list come after `after` in (datestamp, id) order."""
    return session.scalar(select(func.count(LessonPackage.id)).where(*_conditions(query), _after(after)))


def list_records(session: Session, query: Query, limit: int, with_metadata: bool) -> list[Record]:
    """At most `limit` records after `query.after`, in (datestamp, id) order."""
    conditions = _conditions(query)
    if query.after is not None:
        conditions.append(_after(query.after))
    packages = session.scalars(
        select(LessonPackage).where(*conditions).order_by(LessonPackage.updated_at, LessonPackage.id).limit(limit)
    ).all()
    return _records(session, list(packages), with_metadata)


def record_by_uuid(session: Session, uuid: str, with_metadata: bool) -> Record | None:
    package = session.scalar(select(LessonPackage).where(LessonPackage.uuid == uuid,
                                                         LessonPackage.status.in_(OFFERED), OWN_PACKAGES))
    if package is None:
        return None
    return _records(session, [package], with_metadata)[0]


def earliest_datestamp(session: Session) -> datetime | None:
    return session.scalar(select(func.min(LessonPackage.updated_at)).where(LessonPackage.status.in_(OFFERED),
                                                                              OWN_PACKAGES))


def _split(text: str, separator: str) -> list[str]:
    return [part.strip() for part in (text or "").split(separator) if part.strip()]


def _records(session: Session, packages: list[LessonPackage], with_metadata: bool) -> list[Record]:
    """Records for packages, with goals (sets) and kerndoelen (classification): a fixed number of queries."""
    ids = [p.id for p in packages]
    names = dict(session.execute(select(Network.id, Network.name)
                                 .where(Network.id.in_({p.network_id for p in packages}))).all()) if ids else {}
    goals: dict[int, list[GoalInfo]] = {i: [] for i in ids}
    taxa: dict[int, list[Taxon]] = {i: [] for i in ids}
    if ids:
        for package_id, code, title, domain_id in session.execute(
            select(Alignment.package_id, Goal.code, Goal.title, Strand.domain_id)
            .join(Goal, Goal.id == Alignment.goal_id).join(Strand, Strand.id == Goal.strand_id)
            .where(Alignment.package_id.in_(ids)).order_by(Alignment.package_id, Goal.code)
        ):
            goals[package_id].append(GoalInfo(code, title, domain_id))
    if ids and with_metadata:
        seen: set[tuple[int, str]] = set()
        for package_id, uuid, replaced, code, title, kind in session.execute(
            select(Alignment.package_id, ReferenceNode.uuid, ReferenceNode.replaced_by_uuid, ReferenceNode.code,
                   ReferenceNode.short_title, ReferenceNode.kind)
            .join(CrosswalkLink, CrosswalkLink.goal_id == Alignment.goal_id)
            .join(ReferenceNode, ReferenceNode.id == CrosswalkLink.node_id)
            .join(ReferenceFramework, ReferenceFramework.id == ReferenceNode.framework_id)
            .where(Alignment.package_id.in_(ids), ReferenceNode.kind.in_(SLO_KINDS), ReferenceNode.uuid.is_not(None))
            .order_by(Alignment.package_id, ReferenceFramework.position, ReferenceNode.position, ReferenceNode.code)
        ):
            current = current_slo_uuid(uuid, replaced)
            if (package_id, current) not in seen:
                seen.add((package_id, current))
                taxa[package_id].append(Taxon(current, code, title, kind))
    records = []
    for p in packages:
        record = Record(p.id, p.uuid, _aware(p.updated_at), p.status == PackageStatus.WITHDRAWN, p.network_id,
                        names.get(p.network_id, ""), goals=goals[p.id])
        if with_metadata and not record.deleted:
            record.title, record.summary, record.description = p.title, p.summary, p.description
            record.keywords, record.authors = _split(p.keywords, ","), _split(p.authors, ",")
            record.groepen, record.lesson_count, record.minutes_per_lesson = p.groepen, p.lesson_count, \
                p.minutes_per_lesson
            record.licence, record.taxa = p.licence, taxa[p.id]
            record.published_at = _aware(p.published_at) if p.published_at else None
            record.created_at = _aware(p.created_at)
        records.append(record)
    return records


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
