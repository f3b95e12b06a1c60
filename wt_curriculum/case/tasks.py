"""Mirroring: every hour the task queue fetches each mirrored CASE framework (ETag / If-Modified-Since) and applies
what changed as a new version of that reference framework."""
import logging

from huey import crontab

from ..core.queue import huey
from ..extensions import db
from . import frameworks

logger = logging.getLogger(__name__)


@huey.periodic_task(crontab(minute="23"))
@huey.lock_task("case.mirror")
def mirror_frameworks() -> list:
    """Fetch every mirrored framework; a changed one gets a new version with its change report."""
    results = frameworks.refresh_all(db.session)
    db.session.commit()
    for result in results:
        if result.error:
            logger.warning("mirror %s: %s", result.key, result.error)
        elif result.changed:
            logger.info("mirror %s: version %s", result.key, result.version)
    return results
