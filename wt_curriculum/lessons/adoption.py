"""Adopting a package from another network: a draft copy in the adopting network, attributed to and linked with
its source, as its licence allows.

- CC BY, CC BY-SA (and BY-NC-SA): copied and may be changed; a ShareAlike copy keeps the source's licence.
- CC BY-ND: copied, but not changed (only a newer version of the source may be taken over).
- All rights reserved: not copied; link to the source instead.

The copy remembers the source's content when it was copied (or last taken over); when the source changes since,
its network sees "a newer version is available" with the differences and can take it over.
"""
import json
import uuid as uuid_module
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..auth.models import Role
from ..core.services import FieldDiff, diff_snapshots, record_audit, record_revision
from ..errors import Forbidden, NotFound, ValidationError
from ..numbers import whole_or_none
from ..organisations.models import Network
from .models import Alignment, LessonPackage, Licence, PackageAdoption, PackageKind, PackageStatus
from .services import LICENCE_LABELS, can_edit_network_packages, package_snapshot

SHARE_ALIKE = {Licence.CC_BY_SA, Licence.CC_BY_NC_SA}
COPY_FIELDS = ("title", "summary", "description", "groepen_mask", "lesson_count", "minutes_per_lesson", "materials",
               "keywords", "authors", "licence", "links")
IGNORED = ("network", "status", "groepen_reason")  # not part of what a copy takes over


def content_snapshot(session: Session, package: LessonPackage) -> dict:
    snapshot = package_snapshot(session, package)
    return {k: v for k, v in snapshot.items() if k not in IGNORED}


def _load(session: Session, package_id: int) -> LessonPackage | None:
    return session.scalar(select(LessonPackage).where(LessonPackage.id == package_id)
                          .options(selectinload(LessonPackage.alignments)))


def _copy_content(source: LessonPackage, target: LessonPackage) -> None:
    for name in COPY_FIELDS:
        setattr(target, name, getattr(source, name))
    wanted = {a.goal_id: a.relation for a in source.alignments}
    for alignment in list(target.alignments):
        if alignment.goal_id in wanted:
            alignment.relation = wanted.pop(alignment.goal_id)
        else:
            target.alignments.remove(alignment)
    for goal_id, relation in wanted.items():
        target.alignments.append(Alignment(goal_id=goal_id, relation=relation))


def adoption_network(user, network_id) -> int:
    """The network a user adopts into: a network coordinator's own; admins and editors name one."""
    if user.role == Role.NETWORK:
        if user.network_id is None:
            raise Forbidden(_l("Your account is not linked to a network."))
        return user.network_id
    value = whole_or_none(network_id, 1)  # ASCII digits within an INTEGER column, else no network
    if value is None:
        raise ValidationError(_l("Choose the network that adopts the package."), field="network_id")
    return value


def adopt_package(session: Session, source_id: int, user, network_id: int) -> LessonPackage:
    """A draft copy of a published package of another network, attributed to it."""
    source = _load(session, source_id)
    if source is None or source.status != PackageStatus.PUBLISHED or source.kind != PackageKind.OWN:
        raise NotFound(_l("This lesson package does not exist."))
    if session.get(Network, network_id) is None:
        raise ValidationError(_l("Choose the network that adopts the package."), field="network_id")
    if not can_edit_network_packages(user, network_id):
        raise Forbidden(_l("You can only change the lesson packages of your own network."))
    if source.network_id == network_id:
        raise ValidationError(_l("This package already belongs to that network."))
    if source.licence == Licence.ALL_RIGHTS_RESERVED:
        raise ValidationError(_l("All rights to this package are reserved: it may not be copied. Link to it "
                                 "instead."))
    existing = session.scalar(
        select(LessonPackage.title).join(PackageAdoption, PackageAdoption.package_id == LessonPackage.id)
        .where(PackageAdoption.source_id == source.id, LessonPackage.network_id == network_id))
    if existing is not None:
        raise ValidationError(_l("The network already adopted this package: “%(title)s”.", title=existing))
    copy = LessonPackage(uuid=str(uuid_module.uuid4()), status=PackageStatus.DRAFT, network_id=network_id,
                         alignments=[])
    _copy_content(source, copy)
    session.add(copy)
    session.flush()
    session.add(PackageAdoption(package_id=copy.id, source_id=source.id,
                                source_snapshot=json.dumps(content_snapshot(session, source))))
    record_revision(session, "package", copy.id, package_snapshot(session, copy), "adopt", user,
                    f"#{source.id} {source.title}"[:500])
    record_audit(session, user, "package.adopt", "package", copy.id, source.title)
    session.flush()
    return copy


@dataclass
class AdoptedFrom:
    source_id: int | None
    title: str
    network_name: str
    licence: str
    licence_label: str
    changes: list[FieldDiff]  # the source's changes since the copy was made or last taken over
    source_available: bool  # the source still exists and is published

    @property
    def newer_version(self) -> bool:
        return self.source_available and bool(self.changes)

    @property
    def no_derivatives(self) -> bool:
        return self.licence == Licence.CC_BY_ND


@dataclass
class Adopter:
    id: int
    title: str
    network_name: str
    status: str
    network_id: int | None = None


def adopted_from(session: Session, package_id: int) -> AdoptedFrom | None:
    """Where a copy comes from, and what changed at the source since (None for a package that is no copy)."""
    adoption = session.scalar(select(PackageAdoption).where(PackageAdoption.package_id == package_id))
    if adoption is None:
        return None
    old = json.loads(adoption.source_snapshot or "{}")
    source = _load(session, adoption.source_id) if adoption.source_id is not None else None
    if source is None:
        return AdoptedFrom(None, old.get("title", ""), "", old.get("licence", ""),
                           str(LICENCE_LABELS.get(old.get("licence"), old.get("licence", ""))), [], False)
    network_name = session.scalar(select(Network.name).where(Network.id == source.network_id)) or ""
    changes = diff_snapshots(old, content_snapshot(session, source))
    return AdoptedFrom(source.id, source.title, network_name, source.licence,
                       str(LICENCE_LABELS.get(source.licence, source.licence)), changes,
                       source.status == PackageStatus.PUBLISHED)


def copies_of(session: Session, package_id: int) -> list[Adopter]:
    """Every copy of a package in other networks, drafts included (the same for every viewer): one query."""
    return [Adopter(pid, title, name, status, nid) for pid, title, name, status, nid in session.execute(
        select(LessonPackage.id, LessonPackage.title, Network.name, LessonPackage.status, LessonPackage.network_id)
        .join(PackageAdoption, PackageAdoption.package_id == LessonPackage.id)
        .join(Network, Network.id == LessonPackage.network_id)
        .where(PackageAdoption.source_id == package_id).order_by(Network.name, LessonPackage.id))]


def visible_copies(copies: list[Adopter], user) -> list[Adopter]:
    """The copies the user may see: published ones, and drafts of networks whose packages the user edits."""
    return [copy for copy in copies
            if copy.status == PackageStatus.PUBLISHED or can_edit_network_packages(user, copy.network_id)]


def adopters_of(session: Session, package_id: int, user) -> list[Adopter]:
    """The copies of a package in other networks (published ones, and drafts for those who may see them)."""
    return visible_copies(copies_of(session, package_id), user)


def adopted_licences(session: Session) -> dict[int, str]:
    """For every adopted copy: the licence it was adopted under (its source's, or the source's when it was
    copied if the source is gone). One query; for imports, which check many packages at once."""
    rows = session.execute(
        select(PackageAdoption.package_id, LessonPackage.licence, PackageAdoption.source_snapshot)
        .outerjoin(LessonPackage, LessonPackage.id == PackageAdoption.source_id))
    out = {}
    for package_id, licence, snapshot in rows:
        if licence is None:
            try:
                licence = json.loads(snapshot or "{}").get("licence", "")
            except ValueError:
                licence = ""
        out[package_id] = licence
    return out


def check_change_allowed(session: Session, package: LessonPackage, new_licence: str) -> None:
    """A copy of a BY-ND package is not changed; a copy of a ShareAlike package keeps that licence."""
    source = adopted_from(session, package.id)
    if source is None:
        return
    if source.no_derivatives:
        raise ValidationError(_l("This package was adopted under CC BY-ND: it may not be changed. You can take "
                                 "over a newer version of its source."))
    if source.licence in SHARE_ALIKE and new_licence != source.licence:
        raise ValidationError(_l("This package was adopted under %(licence)s (ShareAlike): it keeps that licence.",
                                 licence=source.licence_label), field="licence")


def take_over(session: Session, package_id: int, user) -> LessonPackage:
    """Bring a copy up to date with its source (its network and status stay)."""
    package = _load(session, package_id)
    if package is None:
        raise NotFound(_l("This lesson package does not exist."))
    if not can_edit_network_packages(user, package.network_id):
        raise Forbidden(_l("You can only change the lesson packages of your own network."))
    adoption = session.scalar(select(PackageAdoption).where(PackageAdoption.package_id == package.id))
    source = _load(session, adoption.source_id) if adoption and adoption.source_id else None
    if source is None or source.status != PackageStatus.PUBLISHED:
        raise ValidationError(_l("This package has no published source to take a newer version from."))
    _copy_content(source, package)
    package.updated_at = datetime.now(UTC)
    adoption.source_snapshot = json.dumps(content_snapshot(session, source))
    session.flush()
    record_revision(session, "package", package.id, package_snapshot(session, package), "take-over", user,
                    f"#{source.id} {source.title}"[:500])
    record_audit(session, user, "package.take_over", "package", package.id, source.title)
    return package
