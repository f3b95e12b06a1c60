"""The package page: facts, goals, files, the picking form for teachers; the history page; demo data."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.lessons.helpers import make_attachment, make_goals, make_package
from wt_curriculum.auth.models import User
from wt_curriculum.auth.permissions import roles_required
from wt_curriculum.core.models import Revision
from wt_curriculum.extensions import db
from wt_curriculum.lessons.models import LessonPackage
from wt_curriculum.schoolyears import current_school_year, format_school_year

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def published(app, factory):
    network = factory.network(code="NET-P", name="Netwerk Pagina")
    goals = make_goals(app, prefix="LP", count=2)
    package_id = make_package(app, network, list(goals.values()), groepen_mask=0b00110000,
                              description="Zie [de site](https://example.org/les).")
    with app.app_context():
        package = db.session.get(LessonPackage, package_id)
        package.links = "https://example.org/werkblad"
        package.materials = "karton\nlijm"
        package.authors = "Fatima El Amrani"
        db.session.commit()
    make_attachment(app, package_id, filename="werkblad.pdf")
    return network, package_id


def ensure_plan_endpoint(app):
    """The schools area builds schools.add_plan_entry; stand in for it when it is not there yet."""
    if "planning.add_plan_entry" not in app.view_functions:
        app.add_url_rule("/test-plan", "planning.add_plan_entry", roles_required()(lambda: ""), methods=["POST"])


def test_package_page_shows_everything(client, published):
    html = client.get(f"/lespakketten/{published[1]}").get_data(as_text=True)
    for text in ("Bruggen bouwen", "Een brug van karton", "Netwerk Pagina", "CC BY-SA", "Fatima El Amrani",
                 "LP.1.1", "LP.1.2", "hoofddoel", "raakt eraan", "karton", "werkblad.pdf",
                 "https://example.org/werkblad", "4 lessen", "240 minuten in totaal",
                 '<a href="https://example.org/les" rel="noopener noreferrer">de site</a>'):
        assert text in html, text
    assert "Bewerken" not in html  # visitors do not get the authoring buttons


def test_teachers_get_the_year_plan_form(app, client, login, published):
    ensure_plan_endpoint(app)
    login("leraar")
    html = client.get(f"/lespakketten/{published[1]}").get_data(as_text=True)
    assert 'action="/' in html and 'name="school_year"' in html
    assert f'<option value="{format_school_year(current_school_year())}" selected>' in html
    assert '<option value="5" selected>5</option>' in html  # the package's first groep
    assert 'name="period"' in html and f'name="package_id" value="{published[1]}"' in html
    assert f'name="next" value="/lespakketten/{published[1]}"' in html


@pytest.mark.parametrize("role", ["anonymous", "redacteur", "netwerkcoordinator"])
def test_others_do_not_get_the_year_plan_form(app, client, login, published, role):
    ensure_plan_endpoint(app)
    if role != "anonymous":
        login(role)
    assert 'name="school_year"' not in client.get(f"/lespakketten/{published[1]}").get_data(as_text=True)


def test_history_lists_who_when_and_what_changed(app, client, login, published):
    network, package_id = published
    user = login("netwerkcoordinator", network_id=network)
    goals = make_goals(app, prefix="LQ", count=1)
    response = client.post(f"/lespakketten/{package_id}/bewerken", data={
        "title": "Bruggen bouwen, herzien", "groepen": ["5", "6"], "lesson_count": "4", "minutes_per_lesson": "60",
        "licence": "CC-BY-SA", "goal_id": [str(goals["LQ.1.1"])], f"relation-{goals['LQ.1.1']}": "kern",
        "version": "2", "note": "titel verduidelijkt", "action": "save"})
    assert response.status_code == 302
    client.post(f"/lespakketten/{package_id}/intrekken", data={"note": "verouderd"})
    html = client.get(f"/lespakketten/{package_id}/geschiedenis").get_data(as_text=True)
    assert html.index("Versie 2: ingetrokken") < html.index("Versie 1: bewerkt")
    with app.app_context():
        name = db.session.get(User, user.id).name
    assert html.count(f"· {name}</p>") == 2
    assert "verouderd" in html and "titel verduidelijkt" in html
    # What changed: the status in version 2, the title and goals in version 1, with readable field names.
    version_2 = html[html.index("Versie 2"):html.index("Versie 1")]
    assert "<th scope=\"row\">Status</th>" in version_2 and "<td>Gepubliceerd</td><td>Ingetrokken</td>" in version_2
    version_1 = html[html.index("Versie 1"):]
    assert "Bruggen bouwen, herzien" in version_1 and "LQ.1.1 (hoofddoel)" in version_1
    assert "(kern)" not in version_1
    assert "<th scope=\"row\">Titel</th>" in version_1


def test_demo_packages_load_once_with_a_revision_each(app, framework, factory):
    from wt_curriculum.lessons.seed import load_demo_packages
    from wt_curriculum.seed import read_yaml

    data = read_yaml(ROOT / "seeds" / "demo.yaml")
    for network in data["networks"]:
        factory.network(code=network["code"], name=network["name"])
    with app.app_context():
        first = load_demo_packages(db.session, data)
        db.session.commit()
        second = load_demo_packages(db.session, data)
        db.session.commit()
        count = db.session.scalar(select(func.count(LessonPackage.id)))
        revisions = db.session.scalar(select(func.count(Revision.id)).where(Revision.entity_type == "package"))
    assert count == len(data["packages"]) >= 40
    assert first == f"Demo packages: {count} added." and second == "Demo packages: 0 added."
    assert revisions == count


def test_demo_packages_are_found_by_search(app, client, framework, factory):
    from wt_curriculum.lessons.seed import load_demo_packages
    from wt_curriculum.seed import read_yaml

    data = read_yaml(ROOT / "seeds" / "demo.yaml")
    for network in data["networks"]:
        factory.network(code=network["code"], name=network["name"])
    with app.app_context():
        load_demo_packages(db.session, data)
        db.session.commit()
    html = client.get("/lespakketten", query_string={"q": "bruggen karton"}).get_data(as_text=True)
    assert "Bruggen bouwen van karton" in html


def test_history_shows_long_texts_word_by_word_and_statuses_in_english(app, client, login, published):
    network, package_id = published
    login("netwerkcoordinator", network_id=network)
    goals = make_goals(app, prefix="LW", count=1)
    long_text = ("Leerlingen bouwen in groepjes een brug van karton die een pak suiker kan dragen. Ze testen "
                 "drie vormen en kiezen de sterkste voor hun eindontwerp.")
    response = client.post(f"/lespakketten/{package_id}/bewerken", data={
        "title": "Bruggen bouwen", "groepen": ["5", "6"], "lesson_count": "4", "minutes_per_lesson": "60",
        "licence": "CC-BY-SA", "goal_id": [str(goals["LW.1.1"])], f"relation-{goals['LW.1.1']}": "kern",
        "version": "2", "description": long_text, "action": "save"})
    assert response.status_code == 302
    response = client.post(f"/lespakketten/{package_id}/bewerken", data={
        "title": "Bruggen bouwen", "groepen": ["5", "6"], "lesson_count": "4", "minutes_per_lesson": "60",
        "licence": "CC-BY-SA", "goal_id": [str(goals["LW.1.1"])], f"relation-{goals['LW.1.1']}": "kern",
        "version": "3", "description": long_text.replace("pak suiker", "stapel boeken"), "action": "save"})
    assert response.status_code == 302
    html = client.get(f"/lespakketten/{package_id}/geschiedenis").get_data(as_text=True)
    latest = html[html.index("Versie 2"):html.index("Versie 1")]
    assert "@@" not in html
    assert '<del><span class="visually-hidden">verwijderd: </span>pak suiker</del>' in latest
    assert '<ins><span class="visually-hidden">toegevoegd: </span>stapel boeken</ins>' in latest
    assert "die een " in latest and " kan dragen." in latest  # the unchanged words around it
    client.post(f"/lespakketten/{package_id}/intrekken", data={"note": ""})
    client.set_cookie("lang", "en")
    english = client.get(f"/lespakketten/{package_id}/geschiedenis").get_data(as_text=True)
    assert "<td>Published</td><td>Withdrawn</td>" in english and "gepubliceerd" not in english
