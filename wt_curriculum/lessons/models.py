"""Lesson packages, their alignment to goals, and their attachments."""
from datetime import datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import utcnow
from ..extensions import db
from ..groepen import from_mask


class PackageStatus(StrEnum):
    DRAFT = "concept"
    PUBLISHED = "gepubliceerd"
    WITHDRAWN = "ingetrokken"


class PackageKind(StrEnum):
    OWN = "eigen"  # written by a network
    # An outside material (oai) that a school planned: made from the material and its confirmed goals, kept in
    # step with them, never edited, offered over OAI-PMH or found in the package search itself.
    EXTERNAL = "extern"


class Relation(StrEnum):
    CORE = "kern"  # the package's main aim
    TOUCHES = "raakt"  # touches on the goal


class Licence(StrEnum):
    CC_BY = "CC-BY"
    CC_BY_SA = "CC-BY-SA"
    CC_BY_NC_SA = "CC-BY-NC-SA"
    CC_BY_ND = "CC-BY-ND"
    ALL_RIGHTS_RESERVED = "ARR"


class LessonPackage(db.Model):
    __tablename__ = "lesson_package"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised when rendered
    groepen_mask: Mapped[int] = mapped_column(default=0)
    lesson_count: Mapped[int] = mapped_column(default=1)
    minutes_per_lesson: Mapped[int] = mapped_column(default=45)
    materials: Mapped[str] = mapped_column(Text, default="")  # one per line
    keywords: Mapped[str] = mapped_column(String(500), default="")  # comma-separated
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"), index=True)
    authors: Mapped[str] = mapped_column(String(500), default="")  # comma-separated
    licence: Mapped[str] = mapped_column(String(20), default=Licence.CC_BY_SA)
    links: Mapped[str] = mapped_column(Text, default="")  # one URL per line
    status: Mapped[str] = mapped_column(String(14), default=PackageStatus.DRAFT, index=True)
    kind: Mapped[str] = mapped_column(String(10), default=PackageKind.OWN, server_default=PackageKind.OWN.value)
    # Why the package's groepen differ from those of its main-aim goals (asked when they do).
    groepen_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    published_at: Mapped[Optional[datetime]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    alignments: Mapped[list["Alignment"]] = relationship(
        back_populates="package", cascade="all, delete-orphan", lazy="raise_on_sql"
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="package", cascade="all, delete-orphan", lazy="raise_on_sql"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def groepen(self) -> list[int]:
        return from_mask(self.groepen_mask)

    @property
    def total_minutes(self) -> int:
        return self.lesson_count * self.minutes_per_lesson


class Alignment(db.Model):
    """A package serves a goal, as its main aim (kern) or touching on it (raakt)."""

    __tablename__ = "alignment"
    __table_args__ = (UniqueConstraint("package_id", "goal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("lesson_package.id", ondelete="CASCADE"))
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="RESTRICT"), index=True)
    relation: Mapped[str] = mapped_column(String(8), default=Relation.CORE)

    package: Mapped[LessonPackage] = relationship(back_populates="alignments", lazy="raise_on_sql")


class Attachment(db.Model):
    """A file belonging to a package, stored outside the web root under a random name."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("lesson_package.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))  # sanitised original name, for the download
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    package: Mapped[LessonPackage] = relationship(back_populates="attachments", lazy="raise_on_sql")


class PackageAdoption(db.Model):
    """A package copied from another network's package (its source), with the source's state when it was copied
    or last taken over, so that a newer version of the source can be shown as a diff and taken over."""

    __tablename__ = "package_adoption"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("lesson_package.id", ondelete="CASCADE"), unique=True)
    source_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lesson_package.id", ondelete="SET NULL"),
                                                     index=True)
    source_snapshot: Mapped[str] = mapped_column(Text, default="{}")  # JSON of the source's package_snapshot
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RetiredAimNotice(db.Model):
    """That the package's network was told that this main-aim goal of the package was retired: each package and
    goal is announced once (lessons/retired_aims.py)."""

    __tablename__ = "retired_aim_notice"

    package_id: Mapped[int] = mapped_column(ForeignKey("lesson_package.id", ondelete="CASCADE"), primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), primary_key=True, index=True)
    notified_at: Mapped[datetime] = mapped_column(default=utcnow)
