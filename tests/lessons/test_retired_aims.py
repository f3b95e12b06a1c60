"""Packages whose main-aim goal was retired are told to their network's coordinators in the inbox, once per
package and goal: when an editor retires the goal, and (for goals an import retires directly) by the hourly
task."""
from sqlalchemy import select, update

from tests.conftest import login_as
from tests.lessons.helpers import make_goals, make_package
from wt_curriculum.extensions import db
from wt_curriculum.lessons import retired_aims
from wt_curriculum.lessons.models import RetiredAimNotice
from wt_curriculum.notifications.models import Notification
from wt_curriculum.objectives import services as objectives
from wt_curriculum.objectives.models import Goal


def _inbox(user_id):
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user_id,
                                                              Notification.kind == "package.retired_aim")))


def test_retiring_a_main_aim_tells_the_packages_network_once(app, client, factory):
    goals = make_goals(app, prefix="RA", count=3)
    network, other = factory.network(code="NW-RA"), factory.network(code="NW-RB")
    coordinator = factory.user("netwerkcoordinator", network_id=network)
    colleague = factory.user("netwerkcoordinator", network_id=network)
    elsewhere = factory.user("netwerkcoordinator", network_id=other)
    only = make_package(app, network, [goals["RA.1.1"], goals["RA.1.3"]], title="Windmolens")  # kern RA.1.1
    make_package(app, network, [goals["RA.1.2"], goals["RA.1.1"]], title="Raakt alleen")  # RA.1.1 raakt
    make_package(app, network, [goals["RA.1.1"]], title="Ingetrokken", status="ingetrokken")
    make_package(app, other, [goals["RA.1.2"]], title="Elders")  # kern RA.1.2
    with app.app_context():
        objectives.retire_goal(db.session, db.session.get(Goal, goals["RA.1.1"]), None, "vervalt")
        db.session.commit()
        for user in (coordinator, colleague):
            [n] = _inbox(user.id)
            assert n.subject == "1 lespakket van je netwerk heeft een vervallen hoofddoel"
            assert "Windmolens: RA.1.1" in n.body and "Raakt alleen" not in n.body and "Ingetrokken" not in n.body
            assert n.url == "/lespakketten/beheer"
        assert _inbox(elsewhere.id) == []
        assert [(r.package_id, r.goal_id) for r in db.session.scalars(select(RetiredAimNotice))] == [
            (only, goals["RA.1.1"])]
        # Asked again (the hourly task): nothing new to tell.
        assert retired_aims.notify_retired_main_aims(db.session) == 0
        db.session.commit()
        assert len(_inbox(coordinator.id)) == 1

        # An import retires RA.1.2 directly (no hook): the hourly task tells the other network, once.
        db.session.execute(update(Goal).where(Goal.id == goals["RA.1.2"]).values(status="vervallen"))
        db.session.commit()
    from wt_curriculum.lessons.tasks import tell_retired_main_aims

    with app.app_context():
        tell_retired_main_aims.call_local()
        tell_retired_main_aims.call_local()
        [n] = _inbox(elsewhere.id)
        assert "Elders: RA.1.2" in n.body
        # 'Raakt alleen' touches on RA.1.1 but has RA.1.2 as its main aim: now its network is told.
        assert ["Raakt alleen: RA.1.2" in n.body for n in _inbox(coordinator.id)] == [False, True]
    login_as(client, app, elsewhere)
    inbox = client.get("/meldingen").text
    assert "1 lespakket van je netwerk heeft een vervallen hoofddoel" in inbox
