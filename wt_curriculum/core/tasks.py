"""Core's work for the task queue: watching over jobs (periodic) and backups started by an administrator."""
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from huey import crontab

from ..extensions import db
from . import jobs, statistics
from .queue import huey


@huey.periodic_task(crontab(minute="*"))
def reap_jobs() -> None:
    """Every minute: jobs whose consumer stopped are sent again or failed; lost messages are sent again."""
    jobs.reap(db.session)
    db.session.commit()


@huey.periodic_task(crontab(minute="37"))
def update_statistics() -> None:
    """Every hour: planner statistics for the app's tables (core/statistics.py)."""
    statistics.analyze_database(db.engine)


@huey.periodic_task(crontab(minute="7"))
def remove_old_jobs() -> None:
    """Every hour: finished jobs older than JOBS_KEEP_DAYS go."""
    jobs.remove_old(db.session)
    db.session.commit()


def backup_folder() -> Path:
    return Path(current_app.config.get("BACKUP_FOLDER") or Path(current_app.instance_path) / "backups")


def database_revisions() -> list[str]:
    """The migration revision(s) the database is at."""
    from sqlalchemy import text

    return sorted(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())


def code_revisions() -> tuple[set[str], set[str]]:
    """Every migration revision this code has, and its heads."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    return {rev.revision for rev in script.walk_revisions()}, set(script.get_heads())


def write_backup(path: Path) -> dict:
    """The whole database and the attachments as one archive at `path` (core/backup.py)."""
    from .backup import backup as archive

    revisions = database_revisions()
    db.session.rollback()  # end the read before the dump
    return archive(db.engine.url.render_as_string(hide_password=False), path,
                   current_app.config["UPLOAD_FOLDER"], revisions)


@dataclass
class BackupFile:
    name: str
    size: int
    made_at: datetime


def backups_on_server(limit: int = 20) -> list[BackupFile]:
    """The newest backups in the backup folder."""
    folder = backup_folder()
    if not folder.is_dir():
        return []
    files = [(p, p.stat()) for p in folder.iterdir() if p.is_file()]
    files.sort(key=lambda item: item[1].st_mtime, reverse=True)
    return [BackupFile(p.name, st.st_size, datetime.fromtimestamp(st.st_mtime, timezone.utc))
            for p, st in files[:limit]]


@jobs.job_task("core.backup")
def backup(session, job):
    """A backup of the whole database into the backup folder on the server (the same as `flask backup`)."""
    from .backup import BackupError

    folder = backup_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"wt_curriculum-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{job.id}.tar.gz"
    try:
        write_backup(path)
    except BackupError as error:
        raise jobs.JobFailed(_("The backup could not be made: %(error)s", error=str(error))) from None
    return jobs.JobResult(message=_("Backup written to %(path)s on the server.", path=str(path)))
