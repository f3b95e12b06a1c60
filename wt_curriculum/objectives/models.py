"""The goal framework: domains, strands (grote opdrachten), goals and framework releases."""
from datetime import date, datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import utcnow
from ..extensions import db
from ..groepen import from_mask


class GoalStatus(StrEnum):
    DRAFT = "concept"
    PUBLISHED = "vastgesteld"
    RETIRED = "vervallen"


class FrameworkRelease(db.Model):
    """A published version of the framework as a whole (e.g. 2026.1)."""

    __tablename__ = "framework_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20), unique=True)
    published_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Domain(db.Model):
    __tablename__ = "domain"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    strands: Mapped[list["Strand"]] = relationship(
        back_populates="domain", order_by="Strand.position", lazy="raise_on_sql"
    )


class Strand(db.Model):
    """A strand: one curriculum.nu 'grote opdracht' within a domain."""

    __tablename__ = "strand"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domain.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    source_code: Mapped[str] = mapped_column(String(20), default="")  # curriculum.nu GO, e.g. MN07
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    domain: Mapped[Domain] = relationship(back_populates="strands", lazy="raise_on_sql")
    goals: Mapped[list["Goal"]] = relationship(
        back_populates="strand", order_by="Goal.position", lazy="raise_on_sql"
    )


class Goal(db.Model):
    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    # Unique for ever: a retired goal keeps its code, and codes are never reused.
    code: Mapped[str] = mapped_column(String(30), unique=True)
    strand_id: Mapped[int] = mapped_column(ForeignKey("strand.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    groepen_mask: Mapped[int] = mapped_column(default=0)
    keywords: Mapped[str] = mapped_column(String(500), default="")  # comma-separated
    source_code: Mapped[str] = mapped_column(String(20), default="")  # curriculum.nu bouwsteen, e.g. MN07.1
    status: Mapped[str] = mapped_column(String(12), default=GoalStatus.DRAFT, index=True)
    position: Mapped[int] = mapped_column(default=0)
    replaced_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("goal.id", ondelete="SET NULL"))
    published_at: Mapped[Optional[datetime]]
    retired_at: Mapped[Optional[datetime]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic locking: every UPDATE checks and bumps this counter.
    version: Mapped[int] = mapped_column(default=1)

    strand: Mapped[Strand] = relationship(back_populates="goals", lazy="raise_on_sql")

    __mapper_args__ = {"version_id_col": version}

    @property
    def groepen(self) -> list[int]:
        return from_mask(self.groepen_mask)

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class PendingChange(db.Model):
    """Four-eyes publishing: a change to a published goal, or a new framework version, waiting for a second
    editor. `payload` holds what the change needs, as JSON; approving applies it, rejecting drops it."""

    __tablename__ = "pending_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    # goal.update, goal.retire, goal.restore, goal.publish, goal.move, release; import.goals, import.case
    kind: Mapped[str] = mapped_column(String(20))
    goal_id: Mapped[Optional[int]] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    # An import's file, applied whole when approved (not loaded with the approval queue).
    data: Mapped[Optional[bytes]] = mapped_column(LargeBinary, deferred=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[Optional[datetime]] = mapped_column(index=True)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(String(20), default="")  # approved, rejected
