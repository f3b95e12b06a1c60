"""Notifications' work for the task queue: the daily digest mails."""
from huey import crontab

from ..core.queue import huey
from ..extensions import db
from . import services


@huey.periodic_task(crontab(minute="0", hour="6"))
@huey.lock_task("notifications.digests")
def send_digests() -> None:
    """Every morning at 6: one mail per user who chose the daily digest, with what is new since the last one."""
    services.send_digests(db.session)
    db.session.commit()
