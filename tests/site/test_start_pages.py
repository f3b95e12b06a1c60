"""The start page per role: what should I do now; the menu shows what the role uses."""
from datetime import date

import pytest
from jinja2 import ChoiceLoader, DictLoader

from tests.planning.builders import Builder, base_framework
from wt_curriculum.core.hooks import Section, start_page_sections
from wt_curriculum.extensions import db
from wt_curriculum.schoolyears import current_school_year


@pytest.fixture
def world(app, factory):
    year = current_school_year()
    with app.app_context():
        b = Builder(db.session)
        network_id = b.network()
        base_framework(b, network_id)
        school = b.school(network_id, "OBS De Start")
        b.plan(school, year, 1, "P1", taught_on=date(2026, 10, 1))
        b.plan(school, year, 1, "P2", period="periode 3")
        b.plan(school, year, 5, "P3")  # aligned to the retired goal U.B.9: a warning for the coordinator
        db.session.commit()
    return {"school": school, "network": network_id}


def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_teacher_sees_the_plan_what_is_next_and_a_search_box(client, login, world):
    login("leraar", school_id=world["school"])
    html = home(client)
    assert "Jaarplanning" in html and "OBS De Start" in html and "Hierna: nog niet gegeven" in html
    assert "P2" in html and "periode 3" in html and 'name="q"' in html
    assert "Dekking van de school" not in html  # the coordinator's part
    menu = html[html.index('class="wrap main-nav"'):html.index("</nav>")]
    assert "API-sleutels" not in menu and "Referentiekaders" not in menu and "Jaarplanning" in menu


def test_coordinator_sees_coverage_gaps_and_retired_goals(client, login, world):
    login("coordinator", school_id=world["school"])
    html = home(client)
    assert "Dekking van de school" in html and "leerdoelen gedekt" in html and "<meter" in html
    assert "vervallen leerdoel staat nog in de planning: U.B.9" in html
    assert "nog niet gedekt" in html
    menu = html[html.index('class="wrap main-nav"'):html.index("</nav>")]
    assert "Referentiekaders" in menu and "API-sleutels" not in menu


def test_network_coordinator_sees_the_network(client, login, world):
    login("netwerkcoordinator", network_id=world["network"])
    html = home(client)
    assert "mediane dekking" in html and "Het netwerk in één oogopslag" in html
    assert "uw jaarplanning" not in html and "je jaarplanning" not in html  # not told to plan
    assert f'href="/netwerken/{world["network"]}/dekking"' in html


def test_editor_sees_the_drafts(client, login, world):
    login("redacteur")
    html = home(client)
    assert "1 leerdoel in concept" in html and "U.B.5" in html  # base_framework has one draft


def test_admin_sees_what_to_look_after(client, login, world, factory):
    login("beheerder")
    factory.user("leraar", email="nieuw@example.org", school_id=world["school"])
    html = home(client)
    assert "De installatie onderhouden" in html and "Laatste wijzigingen" in html and "nieuw@example.org" in html


def test_anonymous_visitors_get_the_public_home_page(client):
    html = home(client)
    assert "Inloggen" in html and "Welkom" not in html


def test_other_areas_add_their_part_through_the_hook(app, client, login, world):
    @start_page_sections.register(order=99)
    def extra(session, user):
        return Section("site/_start_test.html") if user.role == "leraar" else None

    loader = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([DictLoader({"site/_start_test.html": "<p>Overleg: 2 open rondes</p>"}),
                                         loader])
    try:
        login("leraar", school_id=world["school"])
        assert "Overleg: 2 open rondes" in home(client)
        login("coordinator", school_id=world["school"])
        assert "Overleg" not in home(client)
    finally:
        app.jinja_env.loader = loader
        start_page_sections._registered = [r for r in start_page_sections._registered if r[2] is not extra]


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 768, 1280])
@pytest.mark.parametrize("role", ["leraar", "coordinator", "netwerkcoordinator", "redacteur", "beheerder"])
def test_start_pages_in_the_browser(app, live_server, page, factory, world, role, width):
    from tests.browser_fixtures import ARTIFACTS, axe_violations, browser_login

    page.set_viewport_size({"width": width, "height": 900})
    user = factory.user(role, school_id=world["school"] if role in ("leraar", "coordinator") else None,
                        network_id=world["network"] if role == "netwerkcoordinator" else None)
    browser_login(page, live_server, user)
    page.goto(f"{live_server}/")
    assert page.locator("h1").inner_text().startswith("Welkom")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # nothing sticks out sideways
    page.screenshot(path=str(ARTIFACTS / f"start-{role}-{width}.png"), full_page=True)
    assert axe_violations(page) == []
