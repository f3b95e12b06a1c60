"""Harvesting outside materials on the task queue: every source every few hours, one source on request."""
from huey import crontab
from sqlalchemy import select

from ..core.queue import huey
from ..extensions import db
from .harvest import harvest_source
from .models import HarvestSource


@huey.task()
def harvest_one(source_id: int) -> bool:
    """Harvest one source now (the "Harvest now" button); True when it worked."""
    report = harvest_source(db.session, source_id)
    db.session.commit()
    return report.ok


@huey.periodic_task(crontab(minute="17", hour="*/4"))
@huey.lock_task("oai-harvest-all")
def harvest_all() -> int:
    """Harvest every source incrementally, each in its own transaction; returns how many worked."""
    worked = 0
    for source_id in db.session.scalars(select(HarvestSource.id).order_by(HarvestSource.id)).all():
        worked += harvest_source(db.session, source_id).ok
        db.session.commit()
    return worked
