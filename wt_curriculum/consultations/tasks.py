"""Consultations' work for the task queue: announcing rounds when their start date comes."""
from huey import crontab

from ..core.queue import huey
from ..extensions import db
from . import services


@huey.periodic_task(crontab(minute="5"))
@huey.lock_task("consultations.announce")
def announce_rounds() -> None:
    """Every hour: tell the audience of each round that has opened since (once per round)."""
    services.announce_open_rounds(db.session)
    db.session.commit()
