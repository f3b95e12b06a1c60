"""Issue 15: the crosswalk's "add link" form sent twice adds one link and answers 409 the second time."""
from sqlalchemy import select

from tests.test_double_submit import count, twice
from wt_curriculum.extensions import db
from wt_curriculum.objectives.models import Goal
from wt_curriculum.references.models import CrosswalkLink


def test_a_crosswalk_link_sent_twice_is_added_once(app, client, login, references):
    with app.app_context():
        goal_id = db.session.scalar(select(Goal.id).where(Goal.code == "MN.1.1"))
    before = count(app, CrosswalkLink, CrosswalkLink.goal_id == goal_id)
    login("redacteur")
    path = "/doelen/MN.1.1/kruistabel"
    twice(client, path, path, {"framework": "kd2025-po", "node": "KD2025-PO-32A", "relation": "isRelatedTo"})
    assert count(app, CrosswalkLink, CrosswalkLink.goal_id == goal_id) == before + 1
