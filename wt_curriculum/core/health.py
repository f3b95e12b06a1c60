"""Is the installation healthy: the database reachable and at the newest migration, the task queue working.

Used by the health check (`/healthz`, for monitoring) and by the administrator's start page.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from .models import Job

# A job that has waited this long in the queue suggests that no consumer (`flask worker`) is running.
QUEUE_STALE_AFTER = timedelta(minutes=5)


def migration_heads() -> list[str]:
    """The newest migration revision(s); read from the migration files once per process (they don't change)."""
    heads = current_app.extensions.get("wt_migration_heads")
    if heads is None:
        from alembic.script import ScriptDirectory

        migrate_ext = current_app.extensions["migrate"]
        config = migrate_ext.migrate.get_config(migrate_ext.directory)
        heads = current_app.extensions["wt_migration_heads"] = ScriptDirectory.from_config(config).get_heads()
    return heads


@dataclass(frozen=True)
class Health:
    database: bool  # reachable, with an alembic_version table
    migrations_current: bool
    current: list[str] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)
    oldest_queued: datetime | None = None  # when the longest-waiting queued job was made

    @property
    def queue_stalled(self) -> bool:
        return self.oldest_queued is not None and \
            datetime.now(timezone.utc) - _aware(self.oldest_queued) > QUEUE_STALE_AFTER

    @property
    def ok(self) -> bool:
        return self.database and self.migrations_current and not self.queue_stalled


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def check(session: Session, queue: bool = True) -> Health:
    """The state of the database and (when `queue`) of the task queue: two small queries."""
    try:
        current = list(session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except Exception:
        session.rollback()
        return Health(database=False, migrations_current=False)
    heads = migration_heads()
    oldest = session.scalar(select(func.min(Job.created_at)).where(Job.state == "queued")) if queue else None
    return Health(True, sorted(current) == sorted(heads), current, list(heads), oldest)
