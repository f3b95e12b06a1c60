"""Auth's work for the task queue: removing sessions that can no longer be used."""
from huey import crontab

from ..core.queue import huey
from ..extensions import db
from . import sessions


@huey.periodic_task(crontab(minute="23"))
def remove_expired_sessions() -> None:
    """Every hour: sessions idle too long or too old are deleted."""
    sessions.remove_expired_sessions(db.session)
    db.session.commit()
