"""Reference frameworks, their nodes (kerndoelen, doelzinnen, bouwstenen) and the crosswalk to our goals."""
from datetime import datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import utcnow
from ..extensions import db


class DocumentStatus(StrEnum):
    CONCEPT = "concept"
    FINAL_DRAFT = "definitief concept"
    STATUTORY = "wettelijk"


class PhaseSystem(StrEnum):
    CNU = "cnu"  # curriculum.nu: groep 1-4, 5-8
    SLO_FASE = "slo-fase"  # SLO fases: groep 1-3, 4-6, 7-8
    END_GROEP_8 = "end-groep-8"  # kerndoelen: at the end of groep 8


# The groepen each phase system speaks of, for display; our goals store groepen, never a phase name.
PHASE_BANDS = {
    PhaseSystem.CNU: ((1, 4), (5, 8)),
    PhaseSystem.SLO_FASE: ((1, 3), (4, 6), (7, 8)),
    PhaseSystem.END_GROEP_8: ((8, 8),),
}


class NodeKind(StrEnum):
    KERNDOEL = "kerndoel"
    DOELZIN = "doelzin"
    GRAND_TASK = "grote-opdracht"
    BUILDING_BLOCK = "bouwsteen"


class CrosswalkRelation(StrEnum):
    """CASE association types: our goal is an exact match of, part of, or related to the node."""

    EXACT = "exactMatchOf"
    PART_OF = "isPartOf"
    RELATED = "isRelatedTo"


class ReferenceFramework(db.Model):
    __tablename__ = "reference_framework"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(30), unique=True)  # e.g. kd2006-po, kd2025-po, cnu-2019
    title: Mapped[str] = mapped_column(String(200))
    publisher: Mapped[str] = mapped_column(String(100), default="")
    version: Mapped[str] = mapped_column(String(30), default="")
    status: Mapped[str] = mapped_column(String(20), default=DocumentStatus.CONCEPT)
    phase_system: Mapped[str] = mapped_column(String(20))
    retired: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # A framework another CASE system publishes, kept whole: its CFDocument identifier and the package as it
    # came (JSON text; every field, association and definition). Its nodes are the package's items, for the
    # tree and the crosswalk. Empty for the seeded frameworks.
    case_identifier: Mapped[Optional[str]] = mapped_column(String(36), unique=True)
    case_package: Mapped[Optional[str]] = mapped_column(Text)
    # Mirroring: the CASE server's CFPackages/{id} address this framework follows, and what it last answered.
    mirror_url: Mapped[Optional[str]] = mapped_column(String(500))
    mirror_etag: Mapped[str] = mapped_column(String(200), default="")
    mirror_modified: Mapped[str] = mapped_column(String(100), default="")
    mirror_checked_at: Mapped[Optional[datetime]]
    mirror_error: Mapped[str] = mapped_column(String(500), default="")


class ReferenceFrameworkVersion(db.Model):
    """One change of a mirrored (or re-imported) CASE framework: its number and what changed."""

    __tablename__ = "reference_framework_version"
    __table_args__ = (UniqueConstraint("framework_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("reference_framework.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(500), default="")
    report: Mapped[str] = mapped_column(Text, default="")


class ReferenceNode(db.Model):
    """One kerndoel, doelzin, grote opdracht or bouwsteen.

    Codes carry set and sector (KD2025-PO-29A) because SLO reuses numbers
    across po and vo. `official_text` is only ever filled by the importer from
    SLO's published files; the seed holds short titles in our own words.
    """

    __tablename__ = "reference_node"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("reference_framework.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(40), index=True)
    uuid: Mapped[Optional[str]] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("reference_node.id", ondelete="RESTRICT"), index=True)
    short_title: Mapped[str] = mapped_column(String(200))
    official_text: Mapped[Optional[str]] = mapped_column(Text)
    deprecated: Mapped[bool] = mapped_column(default=False)
    replaced_by_uuid: Mapped[Optional[str]] = mapped_column(String(36))
    position: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[Optional[datetime]]


class ReferenceNodeAlias(db.Model):
    """An identifier the publisher no longer uses for a node (SLO deprecated and replaced it), still recognised:
    data from other systems (Edurep's mapping) may carry it. The node's `uuid` is always the current one."""

    __tablename__ = "reference_node_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("reference_node.id", ondelete="CASCADE"), index=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CrosswalkLink(db.Model):
    """Our goal serves a reference node (relation as in CASE associations)."""

    __tablename__ = "crosswalk_link"
    __table_args__ = (UniqueConstraint("goal_id", "node_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    node_id: Mapped[int] = mapped_column(ForeignKey("reference_node.id", ondelete="RESTRICT"), index=True)
    relation: Mapped[str] = mapped_column(String(20), default=CrosswalkRelation.RELATED)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
