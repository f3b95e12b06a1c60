"""Issue 15: a retired goal can be reinstated (editors, impact shown, in the history), and restoring a revision of
a retired goal says truthfully that only the texts came back."""
from sqlalchemy import select

from tests.objectives.helpers import goal_form, goal_state, revisions
from tests.objectives.test_impact import add_package, plan
from wt_curriculum.extensions import db
from wt_curriculum.objectives.models import Goal


def _version(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Goal.version).where(Goal.code == code))


def _retire(client, code="MN.1.5", **extra):
    response = client.post(f"/doelen/{code}/laten-vervallen", data={"note": "weg ermee", **extra})
    assert response.status_code == 302 and goal_state(client.application, code)["status"] == "vervallen"


def test_an_editor_reinstates_a_retired_goal_after_seeing_what_it_affects(client, app, framework, factory, login):
    network = factory.network()
    school = factory.school(network_id=network)
    plan(app, school, add_package(app, network, "Bruggen bouwen", "MN.1.5"))
    login("redacteur")
    _retire(client, replaced_by="MN.1.6")
    goal_page = client.get("/doelen/MN.1.5").get_data(as_text=True)
    assert "/doelen/MN.1.5/weer-vaststellen" in goal_page
    page = client.get("/doelen/MN.1.5/weer-vaststellen")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Leerdoel MN.1.5 weer vaststellen" in html
    assert "1 lespakket is gekoppeld aan dit leerdoel" in html and "Bruggen bouwen" in html
    assert "1 school heeft er een in een jaarplanning" in html
    missing_note = client.post("/doelen/MN.1.5/weer-vaststellen", data={"note": "", "version": _version(app, "MN.1.5")})
    assert missing_note.status_code == 200 and goal_state(app, "MN.1.5")["status"] == "vervallen"
    response = client.post("/doelen/MN.1.5/weer-vaststellen",
                           data={"note": "Toch nodig", "version": _version(app, "MN.1.5")}, follow_redirects=True)
    assert "MN.1.5 is weer in gebruik" in response.get_data(as_text=True)
    state = goal_state(app, "MN.1.5")
    assert state["status"] == "vastgesteld" and state["replaced_by"] is None
    latest = revisions(app, "MN.1.5")[0]
    assert (latest.action, latest.note) == ("reinstate", "Toch nodig")
    assert "weer vastgesteld" in client.get("/doelen/MN.1.5/geschiedenis").get_data(as_text=True)
    # Only a retired goal can be reinstated: now it is a warning and nothing changes.
    again = client.post("/doelen/MN.1.5/weer-vaststellen", data={"note": "nog eens"}, follow_redirects=True)
    assert "dat kan nu niet" in again.get_data(as_text=True)
    assert revisions(app, "MN.1.5")[0].action == "reinstate" and goal_state(app, "MN.1.5")["status"] == "vastgesteld"


def test_reinstating_an_older_version_is_a_conflict(client, app, framework, login):
    login("beheerder")
    _retire(client)
    response = client.post("/doelen/MN.1.5/weer-vaststellen",
                           data={"note": "terug", "version": _version(app, "MN.1.5") - 1})
    assert response.status_code == 409 and "Iemand anders" in response.get_data(as_text=True)
    assert goal_state(app, "MN.1.5")["status"] == "vervallen"


def test_restoring_a_revision_of_a_retired_goal_says_the_goal_stays_retired(client, app, framework, login):
    login("redacteur")
    old_title = goal_state(app, "MN.1.5")["title"]
    edited = client.post("/doelen/MN.1.5/bewerken", data=goal_form(app, "MN.1.5", title="Een andere titel",
                                                                    note="anders"))
    assert edited.status_code == 302 and goal_state(app, "MN.1.5")["title"] == "Een andere titel"
    first = min(r.number for r in revisions(app, "MN.1.5"))
    _retire(client)
    response = client.post(f"/doelen/MN.1.5/geschiedenis/{first}/herstellen",
                           data={"note": "", "version": _version(app, "MN.1.5")}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Het leerdoel is nog steeds vervallen" in html and "is teruggezet als nieuwe versie" not in html
    assert goal_state(app, "MN.1.5")["status"] == "vervallen"
    with app.app_context():
        assert db.session.scalar(select(Goal.title).where(Goal.code == "MN.1.5")) == old_title
