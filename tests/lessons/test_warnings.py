"""Warnings where they help (issue 21): a package whose groepen miss its main aim's groepen is saved only with
a reason (shown as a warning and on the package page); packages whose main aim was retired are listed on the
network's pages (coverage = the network's home, and the package list)."""
import pytest
from sqlalchemy import select, update

from tests.lessons.helpers import make_goals, make_package
from wt_curriculum.extensions import db
from wt_curriculum.groepen import to_mask
from wt_curriculum.lessons.models import LessonPackage
from wt_curriculum.objectives.models import Goal


@pytest.fixture
def goals(app):
    """LW.1.1 meant for groep 7-8, LW.1.2 for 5-6 (and LW.1.3 for all groepen)."""
    ids = make_goals(app, prefix="LW", count=3)
    with app.app_context():
        db.session.execute(update(Goal).where(Goal.id == ids["LW.1.1"]).values(groepen_mask=to_mask([7, 8])))
        db.session.execute(update(Goal).where(Goal.id == ids["LW.1.2"]).values(groepen_mask=to_mask([5, 6])))
        db.session.commit()
    return ids


def form(goals, kern="LW.1.1", **overrides):
    other = "LW.1.3"
    data = {
        "title": "Windmolens", "summary": "", "description": "", "groepen": ["5", "6"], "lesson_count": "2",
        "minutes_per_lesson": "45", "materials": "", "keywords": "", "authors": "", "licence": "CC-BY",
        "links": "", "goal_id": [str(goals[kern]), str(goals[other])],
        f"relation-{goals[kern]}": "kern", f"relation-{goals[other]}": "raakt", "note": "", "action": "save",
    }
    data.update(overrides)
    return data


def test_groepen_that_miss_the_main_aim_need_a_reason(app, client, login, factory, goals):
    network = factory.network(code="NW-W")
    login("netwerkcoordinator", network_id=network)
    response = client.post("/lespakketten/nieuw", data=form(goals))
    assert response.status_code == 200
    html = response.text
    assert ("Dit lespakket is voor groep 5-6, maar het hoofddoel LW.1.1 (groep 7-8) is bedoeld voor andere "
            "groepen. Geef een reden om het toch op te slaan") in html
    assert 'name="groepen_reason"' in html
    with app.app_context():
        assert db.session.scalar(select(LessonPackage.id).where(LessonPackage.title == "Windmolens")) is None

    response = client.post("/lespakketten/nieuw", data=form(goals, groepen_reason="Een instap voor groep 5-6"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Jouw reden: Een instap voor groep 5-6" in page  # the warning, shown once after saving
    assert "Andere groepen dan het hoofddoel: Een instap voor groep 5-6" in page
    with app.app_context():
        package = db.session.scalar(select(LessonPackage).where(LessonPackage.title == "Windmolens"))
        assert package.groepen_reason == "Een instap voor groep 5-6" and package.groepen == [5, 6]


def test_matching_groepen_save_without_a_word_and_clear_an_old_reason(app, client, login, factory, goals):
    network = factory.network(code="NW-V")
    login("netwerkcoordinator", network_id=network)
    response = client.post("/lespakketten/nieuw", data=form(goals, kern="LW.1.2", groepen_reason="oud"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Jouw reden" not in page and "Andere groepen dan het hoofddoel" not in page
    with app.app_context():
        assert db.session.scalar(select(LessonPackage.groepen_reason).where(
            LessonPackage.title == "Windmolens")) == ""  # nothing to explain: no reason kept
    # A kern goal for groep 6-8 overlaps a package for 5-6: no mismatch.
    with app.app_context():
        from wt_curriculum.lessons.services import main_aim_mismatches
        db.session.execute(update(Goal).where(Goal.id == goals["LW.1.1"]).values(groepen_mask=to_mask([6, 7, 8])))
        assert main_aim_mismatches(db.session, [5, 6], [(goals["LW.1.1"], "kern")]) == []
        assert main_aim_mismatches(db.session, [5], [(goals["LW.1.1"], "kern")])[0].code == "LW.1.1"
        assert main_aim_mismatches(db.session, [5], [(goals["LW.1.1"], "raakt")]) == []  # only main aims count
        db.session.rollback()


def test_packages_with_a_retired_main_aim_are_listed_for_their_network(app, client, login, factory, goals):
    network, other = factory.network(code="NW-R"), factory.network(code="NW-O")
    only_aim = make_package(app, network, [goals["LW.1.1"], goals["LW.1.3"]], title="Alleen vervallen")
    two_aims = make_package(app, network, [goals["LW.1.2"]], title="Nog een hoofddoel")
    make_package(app, network, [goals["LW.1.3"], goals["LW.1.1"]], title="Raakt alleen")  # LW.1.1 is raakt
    make_package(app, network, [goals["LW.1.1"]], title="Ingetrokken", status="ingetrokken")
    make_package(app, other, [goals["LW.1.1"]], title="Van een ander netwerk")
    with app.app_context():
        from wt_curriculum.lessons.models import Alignment
        db.session.add(Alignment(package_id=two_aims, goal_id=goals["LW.1.1"], relation="kern"))
        db.session.execute(update(Goal).where(Goal.id == goals["LW.1.1"]).values(status="vervallen"))
        db.session.commit()
        from wt_curriculum.lessons.services import packages_with_retired_main_aims
        found = packages_with_retired_main_aims(db.session, network)
    assert [(p.id, p.retired, p.main_aims, p.no_main_aim_left) for p in found] == [
        (only_aim, ["LW.1.1"], 1, True), (two_aims, ["LW.1.1"], 2, False)]

    login("netwerkcoordinator", network_id=network)
    for path in (f"/netwerken/{network}/dekking", "/lespakketten/beheer"):
        html = client.get(path).text
        assert "2 lespakketten hebben een vervallen hoofddoel" in html, path
        assert "Alleen vervallen" in html and "geen vastgesteld hoofddoel meer" in html
        assert "vervallen hoofddoel LW.1.1" in html
        assert "Van een ander netwerk" not in html and "Raakt alleen" not in html.split("retired-aims-title")[1][:3000]
    login("netwerkcoordinator", network_id=other)
    assert "1 lespakket heeft een vervallen hoofddoel" in client.get(f"/netwerken/{other}/dekking").text
