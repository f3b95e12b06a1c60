"""Lessons' work for the task queue: telling networks about packages whose main aim was retired by an import."""
from huey import crontab

from ..core.queue import huey
from ..extensions import db
from . import retired_aims


@huey.periodic_task(crontab(minute="20"))
@huey.lock_task("lessons.retired_aims")
def tell_retired_main_aims() -> None:
    """Every hour: tell the networks about retired main-aim goals not told yet (goals an import retired)."""
    retired_aims.notify_retired_main_aims(db.session)
    db.session.commit()
