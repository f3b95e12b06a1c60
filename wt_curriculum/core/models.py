"""Records shared by all areas: revisions (history of goals and packages) and the audit log."""
from datetime import UTC, datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class Revision(db.Model):
    """One saved state of an edited record (a goal, a package, ...), numbered per record.

    `snapshot` holds the record's fields after the change as JSON text, so two
    revisions can be compared and an old one restored.
    """

    __tablename__ = "revision"
    __table_args__ = (Index("ix_revision_entity", "entity_type", "entity_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int]
    number: Mapped[int]
    action: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    snapshot: Mapped[str] = mapped_column(Text)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(db.Model):
    """Who changed what, for administrators: one row per change of any kind."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[Optional[int]]
    summary: Mapped[str] = mapped_column(String(500), default="")


class ContentGeneration(db.Model):
    """One row: raised by every change to what public pages show, so cached pages know they are stale."""

    __tablename__ = "content_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
