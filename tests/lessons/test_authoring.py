"""Creating, editing, publishing and withdrawing packages; permissions, field errors, conflicts, history."""
import pytest
from sqlalchemy import select

from tests.lessons.helpers import make_goals, make_package
from wt_curriculum.core.models import Revision
from wt_curriculum.extensions import db
from wt_curriculum.lessons.models import Alignment, LessonPackage


@pytest.fixture
def goals(app):
    return make_goals(app, prefix="LB", count=3)


@pytest.fixture
def network(factory):
    return factory.network(code="NET-OWN", name="Eigen netwerk")


def form_data(goals, **overrides):
    data = {
        "title": "Zonnepanelen onderzoeken", "summary": "Hoeveel stroom levert de zon?",
        "description": "Leerlingen **meten** de opbrengst.", "groepen": ["7", "8"], "lesson_count": "3",
        "minutes_per_lesson": "60", "materials": "zonnepaneel\nmultimeter", "keywords": "energie, zon",
        "authors": "A. de Boer", "licence": "CC-BY", "links": "https://example.org/zon",
        "goal_id": [str(goals["LB.1.1"]), str(goals["LB.1.2"])],
        f"relation-{goals['LB.1.1']}": "kern", f"relation-{goals['LB.1.2']}": "raakt",
        "note": "eerste versie", "action": "save",
    }
    data.update(overrides)
    return data


def load(app, package_id):
    with app.app_context():
        package = db.session.get(LessonPackage, package_id)
        alignments = {a.goal_id: a.relation for a in db.session.scalars(
            select(Alignment).where(Alignment.package_id == package_id))}
        revisions = [(r.number, r.action, r.author_id) for r in db.session.scalars(
            select(Revision).where(Revision.entity_type == "package", Revision.entity_id == package_id)
            .order_by(Revision.number))]
        db.session.expunge_all()
        return package, alignments, revisions


def test_network_coordinator_creates_a_draft_of_their_own_network(app, client, login, goals, network):
    user = login("netwerkcoordinator", network_id=network)
    response = client.post("/lespakketten/nieuw", data=form_data(goals))
    assert response.status_code == 302
    package_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    package, alignments, revisions = load(app, package_id)
    assert package.title == "Zonnepanelen onderzoeken"
    assert package.network_id == network
    assert package.status == "concept"
    assert package.groepen == [7, 8]
    assert (package.lesson_count, package.minutes_per_lesson, package.total_minutes) == (3, 60, 180)
    assert package.materials == "zonnepaneel\nmultimeter"
    assert package.licence == "CC-BY"
    assert alignments == {goals["LB.1.1"]: "kern", goals["LB.1.2"]: "raakt"}
    assert revisions == [(1, "create", user.id)]


def test_a_coordinator_cannot_choose_another_network(app, client, login, goals, network, factory):
    other = factory.network(code="NET-OTHER")
    login("netwerkcoordinator", network_id=network)
    response = client.post("/lespakketten/nieuw", data=form_data(goals, network_id=str(other)))
    assert response.status_code == 302
    package_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert load(app, package_id)[0].network_id == network  # the network field is not theirs to set


def test_editor_chooses_the_network(app, client, login, goals, network):
    login("redacteur")
    response = client.post("/lespakketten/nieuw", data=form_data(goals, network_id=str(network)))
    assert response.status_code == 302
    assert load(app, int(response.headers["Location"].rsplit("/", 1)[1]))[0].network_id == network


def test_edit_publish_withdraw_with_revisions(app, client, login, goals, network):
    user = login("netwerkcoordinator", network_id=network)
    package_id = make_package(app, network, [goals["LB.1.1"]], status="concept")
    page = client.get(f"/lespakketten/{package_id}/bewerken")
    assert page.status_code == 200 and 'name="version" type="hidden" value="1"' in page.get_data(as_text=True)

    response = client.post(f"/lespakketten/{package_id}/bewerken", data=form_data(
        goals, title="Bruggen bouwen 2.0", version="1",
        goal_id=[str(goals["LB.1.1"]), str(goals["LB.1.3"])], **{f"relation-{goals['LB.1.3']}": "raakt"}))
    assert response.status_code == 302
    package, alignments, revisions = load(app, package_id)
    assert package.title == "Bruggen bouwen 2.0" and package.version == 2
    assert alignments == {goals["LB.1.1"]: "kern", goals["LB.1.3"]: "raakt"}
    assert revisions == [(1, "edit", user.id)]

    assert client.post(f"/lespakketten/{package_id}/publiceren").status_code == 302
    package, _, revisions = load(app, package_id)
    assert package.status == "gepubliceerd" and package.published_at is not None
    assert revisions[-1][1] == "publish"

    assert client.post(f"/lespakketten/{package_id}/intrekken").status_code == 302
    package, _, revisions = load(app, package_id)
    assert package.status == "ingetrokken"
    assert [r[1] for r in revisions] == ["edit", "publish", "withdraw"]

    history = client.get(f"/lespakketten/{package_id}/geschiedenis").get_data(as_text=True)
    assert "Bruggen bouwen 2.0" in history and "LB.1.3 (raakt eraan)" in history and "Ingetrokken" in history


def test_another_networks_package_is_forbidden(app, client, login, goals, network, factory):
    other = factory.network(code="NET-OTHER")
    package_id = make_package(app, other, [goals["LB.1.1"]], status="concept")
    login("netwerkcoordinator", network_id=network)
    assert client.get(f"/lespakketten/{package_id}/bewerken").status_code == 403
    response = client.post(f"/lespakketten/{package_id}/bewerken", data=form_data(goals, version="1"))
    assert response.status_code == 403
    assert client.post(f"/lespakketten/{package_id}/publiceren").status_code == 403
    package, _, revisions = load(app, package_id)
    assert package.title == "Bruggen bouwen" and package.status == "concept" and revisions == []


def test_invalid_numbers_and_groepen_give_dutch_field_errors_and_keep_the_input(client, login, goals, network):
    login("netwerkcoordinator", network_id=network)
    response = client.post("/lespakketten/nieuw", data=form_data(
        goals, title="Mijn titel", lesson_count="drie", minutes_per_lesson="2000", groepen=["9"],
        links="javascript:alert(1)"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Vul een heel getal in." in html
    assert "tussen 5 en 480" in html
    assert "Kies groepen uit de lijst." in html
    assert "is geen webadres" in html
    assert 'value="drie"' in html and 'value="2000"' in html and 'value="Mijn titel"' in html
    with client.application.app_context():
        assert db.session.scalar(select(LessonPackage.id)) is None


def test_at_least_one_kern_goal_is_required(client, login, goals, network):
    login("netwerkcoordinator", network_id=network)
    data = form_data(goals, **{f"relation-{goals['LB.1.1']}": "raakt"})
    html = client.post("/lespakketten/nieuw", data=data).get_data(as_text=True)
    assert "kern" in html and "Controleer het formulier" in html
    html = client.post("/lespakketten/nieuw", data=form_data(goals, goal_id=[])).get_data(as_text=True)
    assert "Kies minstens één leerdoel" in html


def test_goal_picker_searches_adds_and_removes_without_javascript(client, login, goals, network):
    login("netwerkcoordinator", network_id=network)
    # Search: matching goals come back as checkboxes; what was typed stays.
    html = client.post("/lespakketten/nieuw", data=form_data(
        goals, goal_id=[], goal_query="robots", action="search", title="Nog niet klaar")).get_data(as_text=True)
    assert f'name="add_goal" value="{goals["LB.1.2"]}"' in html
    assert f'name="add_goal" value="{goals["LB.1.3"]}"' in html
    assert f'name="add_goal" value="{goals["LB.1.1"]}"' not in html  # "bruggen en water", not robots
    assert 'value="Nog niet klaar"' in html
    # Search by code; ticked goals are added, the first one as kern.
    html = client.post("/lespakketten/nieuw", data=form_data(
        goals, goal_id=[], add_goal=[str(goals["LB.1.2"])], goal_query="LB.1.1", action="search",
    )).get_data(as_text=True)
    assert f'name="goal_id" value="{goals["LB.1.2"]}"' in html
    assert '<option value="kern" selected>' in html
    assert f'name="add_goal" value="{goals["LB.1.1"]}"' in html
    # Removing a chosen goal.
    html = client.post("/lespakketten/nieuw", data=form_data(
        goals, remove_goal=[str(goals["LB.1.2"])], action="add")).get_data(as_text=True)
    assert f'name="goal_id" value="{goals["LB.1.2"]}"' not in html
    assert f'name="goal_id" value="{goals["LB.1.1"]}"' in html


def test_a_stale_save_is_refused_and_nothing_is_overwritten(app, client, login, goals, network):
    login("netwerkcoordinator", network_id=network)
    package_id = make_package(app, network, [goals["LB.1.1"]], status="concept")
    first = client.post(f"/lespakketten/{package_id}/bewerken", data=form_data(goals, title="Eerste", version="1"))
    assert first.status_code == 302
    stale = client.post(f"/lespakketten/{package_id}/bewerken", data=form_data(goals, title="Tweede", version="1"))
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Iemand anders heeft dit lespakket opgeslagen" in html and 'value="Tweede"' in html
    package, _, revisions = load(app, package_id)
    assert package.title == "Eerste" and package.version == 2 and len(revisions) == 1


def test_a_retired_goal_stays_aligned_and_is_flagged(app, client, login, goals, network):
    package_id = make_package(app, network, [goals["LB.1.1"], goals["LB.1.2"]])
    with app.app_context():
        from wt_curriculum.objectives.models import Goal

        db.session.get(Goal, goals["LB.1.2"]).status = "vervallen"
        db.session.commit()
    html = client.get(f"/lespakketten/{package_id}").get_data(as_text=True)
    assert "LB.1.2" in html and "vervallen" in html
    # Editing keeps the existing alignment to the retired goal, but a retired goal cannot be newly chosen.
    login("netwerkcoordinator", network_id=network)
    ok = client.post(f"/lespakketten/{package_id}/bewerken", data=form_data(goals, version="1"))
    assert ok.status_code == 302
    assert load(app, package_id)[1] == {goals["LB.1.1"]: "kern", goals["LB.1.2"]: "raakt"}
    other = make_package(app, network, [goals["LB.1.1"]], title="Ander")
    refused = client.post(f"/lespakketten/{other}/bewerken", data=form_data(goals, version="1"))
    assert refused.status_code == 200 and "Alleen vastgestelde leerdoelen" in refused.get_data(as_text=True)


def test_publishing_twice_changes_nothing_the_second_time(app, client, login, goals, network):
    login("redacteur")
    package_id = make_package(app, network, [goals["LB.1.1"]], status="concept")
    client.post(f"/lespakketten/{package_id}/publiceren")
    response = client.post(f"/lespakketten/{package_id}/publiceren", follow_redirects=True)
    assert "al gepubliceerd" in response.get_data(as_text=True)
    assert [r[1] for r in load(app, package_id)[2]] == ["publish"]


def test_drafts_are_hidden_from_teachers_and_visitors(app, client, login, goals, network):
    draft = make_package(app, network, [goals["LB.1.1"]], status="concept", title="Geheim concept")
    assert client.get(f"/lespakketten/{draft}").status_code == 404
    assert "Geheim concept" not in client.get("/lespakketten").get_data(as_text=True)
    login("leraar")
    assert client.get(f"/lespakketten/{draft}").status_code == 404


def test_authors_list_shows_own_network_only(app, client, login, goals, network, factory):
    make_package(app, network, [goals["LB.1.1"]], status="concept", title="Van ons")
    make_package(app, factory.network(code="NET-X"), [goals["LB.1.1"]], title="Van hen")
    login("netwerkcoordinator", network_id=network)
    html = client.get("/lespakketten/beheer").get_data(as_text=True)
    assert "Van ons" in html and "Van hen" not in html
