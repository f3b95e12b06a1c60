"""The queue harvests every source every four hours (a periodic Huey task with a lock), each in its own
transaction: one broken source does not stop the others."""
from datetime import datetime

import pytest
from sqlalchemy import select

from tests.oai.sources import ScriptedSource, Served, record
from tests.oai.test_harvest import PLAIN
from wt_curriculum.core.queue import huey
from wt_curriculum.extensions import db
from wt_curriculum.oai.models import ExternalMaterial, HarvestSource
from wt_curriculum.oai.tasks import harvest_all, harvest_one

pytestmark = pytest.mark.usefixtures("local_sources")  # their sources run on 127.0.0.1


def test_harvest_all_is_a_periodic_task_every_four_hours():
    assert "harvest_all" in {task.name for task in huey._registry.periodic_tasks}
    task = harvest_all.task_class()
    assert task.validate_datetime(datetime(2026, 12, 1, 4, 17))
    assert task.validate_datetime(datetime(2026, 12, 1, 20, 17))
    assert not task.validate_datetime(datetime(2026, 12, 1, 5, 17))
    assert not task.validate_datetime(datetime(2026, 12, 1, 4, 18))


def test_harvest_all_harvests_every_source_and_reports_the_broken_one(app):
    good = ScriptedSource()
    served = Served(good)
    broken = Served(good)
    broken.close()  # nothing listens there any more
    try:
        good.pages = [[record("oai:bron:1", "2026-11-01T10:00:00Z", PLAIN)]]
        with app.app_context():
            db.session.add_all([HarvestSource(name="Kapot", url=broken.url + "/oai"),
                                HarvestSource(name="Goed", url=served.url + "/oai")])
            db.session.commit()
            harvest_all()  # immediate mode in the tests: runs here
            statuses = dict(db.session.execute(select(HarvestSource.name, HarvestSource.status)).all())
            assert statuses == {"Kapot": "mislukt", "Goed": "gelukt"}
            assert db.session.scalars(select(ExternalMaterial.title)).all() == ["Alleen een titel"]
            good.pages = [[record("oai:bron:1", "2026-11-03T10:00:00Z")]]
            harvest_one(db.session.scalar(select(HarvestSource.id).where(HarvestSource.name == "Goed")))
            assert db.session.scalars(select(ExternalMaterial)).all() == []
    finally:
        served.close()
