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
    """One row: raised by every change to what public pages show, so cached pages know they are stale;
    `plans` by every change to a year plan, so cached reports (which show plans too) know it as well."""

    __tablename__ = "content_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
    plans: Mapped[int] = mapped_column(default=0, server_default="0")


class Job(db.Model):
    """One piece of long work done by the task queue (a PDF, an import, a backup), as its user sees it.

    The queue message carries only the id; everything else lives here, so any web process can show the job
    and a job whose consumer died can be found (its heartbeat stops) and sent again. `attempts` counts the
    claims: a consumer may only finish the job while the job is still its claim (state running, same attempt).
    """

    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_user_created", "user_id", "created_at"),
        Index("ix_job_state_heartbeat", "state", "heartbeat_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(80))  # the task's name, e.g. reports.network_pdf
    title: Mapped[str] = mapped_column(String(300))  # in the user's language, as submitted
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # A job with a key is shared: a second request for the same work finds the running one (framework PDF).
    key: Mapped[Optional[str]] = mapped_column(String(200), index=True)
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON keyword arguments of the task
    language: Mapped[str] = mapped_column(String(10), default="nl")
    state: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=2)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[Optional[int]]
    progress_unit: Mapped[str] = mapped_column(String(20), default="")
    worker: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text, default="")  # for the user: why it failed, what it did
    result_key: Mapped[Optional[str]] = mapped_column(String(200))  # the file in the file store
    result_name: Mapped[str] = mapped_column(String(200), default="")
    result_type: Mapped[str] = mapped_column(String(100), default="")
    result_url: Mapped[str] = mapped_column(String(500), default="")  # where to look at what the job made
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[Optional[datetime]]
    started_at: Mapped[Optional[datetime]]
    heartbeat_at: Mapped[Optional[datetime]]
    finished_at: Mapped[Optional[datetime]]


class UsedSubmission(db.Model):
    """The one-time token of a create form, stored with the record it made: a second submit of the same form
    (a double click, a reload) finds it here and makes no second record."""

    __tablename__ = "used_submission"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
