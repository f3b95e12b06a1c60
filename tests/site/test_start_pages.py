"""The start page per role: what should I do now; the menu shows what the role uses."""
import io
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


def builder() -> Builder:
    """A Builder that knows the goals and packages already in the database (inside an app context)."""
    from wt_curriculum.lessons.models import LessonPackage
    from wt_curriculum.objectives.models import Goal

    b = Builder(db.session)
    b.goals = {g.code: g for g in db.session.scalars(db.select(Goal))}
    b.packages = {p.title: p for p in db.session.scalars(db.select(LessonPackage))}
    return b


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
    assert "Importeren" not in menu and "Materialen van elders" not in menu


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
    menu = html[html.index('class="wrap main-nav"'):html.index("</nav>")]
    assert "Mijn netwerk" in menu and "Jaarplanning" not in menu and "Gebruikers" not in menu


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start:html.index("</section>", start)]


def test_network_coordinator_sees_how_the_packages_are_used_and_what_needs_attention(app, client, login, world):
    with app.app_context():
        b = builder()
        b.package("Ongebruikt pakket", [1, 2], {"T.A.1": "kern"}, world["network"])
        b.package("Half af", [1, 2], {"T.A.1": "kern"}, world["network"], status="concept")
        b.package("Oud doel", [5], {"U.B.9": "kern"}, world["network"])
        db.session.commit()
    login("netwerkcoordinator", network_id=world["network"])
    html = home(client)
    use = section(html, "start-package-use")
    # P1, P2 and P3 are planned by OBS De Start this year; P1 was taught once.
    assert "5 gepubliceerde lespakketten" in use and "2 staan bij geen school in de planning" in use
    assert "P1" in use and "1 school" in use and "1 keer gegeven" in use and "Ongebruikt pakket" not in use
    attention = section(html, "start-attention")
    assert "Oud doel</a>: vervallen hoofddoel U.B.9" in attention and "geen vastgesteld hoofddoel meer" in attention
    assert attention.count("Oud doel") == 1  # listed once, for its retired main aim
    assert "Half af</a>: nog een concept" in attention
    assert "Ongebruikt pakket</a>: dit jaar bij geen school in de planning" in attention


def test_network_coordinator_sees_open_consultations(app, client, factory, login, world):
    from tests.consultations.helpers import make_goals, make_round

    codes = make_goals(app, n=1, publish=(1,))
    make_round(app, codes, audiences=("netwerken",), title="Ronde over bruggen")
    login("netwerkcoordinator", network_id=world["network"])
    html = home(client)
    assert "Denk mee" in html and "Ronde over bruggen" in html


def test_the_start_page_runs_a_fixed_number_of_queries(app, client, login, world, count_queries):
    """No query per row: ten more packages, plans and drafts change nothing in the number of queries."""
    login("netwerkcoordinator", network_id=world["network"])
    client.get("/")
    with count_queries() as few:
        home(client)
    with app.app_context():
        b = builder()
        school = b.school(world["network"], "OBS Erbij")
        for n in range(10):
            b.package(f"Extra {n}", [1, 2], {"T.A.1": "kern"}, world["network"],
                      status=("concept", "gepubliceerd")[n % 2])
            b.plan(school, current_school_year(), 1, f"Extra {n}")
        db.session.commit()
    with count_queries() as many:
        home(client)
    assert many.count == few.count


def test_editor_sees_the_drafts(client, login, world):
    login("redacteur")
    html = home(client)
    assert "1 leerdoel in concept" in html and "U.B.5" in html  # base_framework has one draft
    assert "0 wijzigingen wachten op goedkeuring" in html and "Er wacht niets op je goedkeuring." in html
    menu = html[html.index('class="wrap main-nav"'):html.index("</nav>")]
    assert "Jaarplanning" not in menu and "Back-ups" not in menu and "Scholen" not in menu and "Leerdoelen" in menu


def test_editor_sees_approvals_open_rounds_and_the_impact_queue(app, client, factory, login, world):
    import json

    from tests.consultations.helpers import add_response, close, make_goals, make_round
    from wt_curriculum.objectives.models import Goal, PendingChange

    other = factory.user("redacteur", email="tweede@example.org")
    codes = make_goals(app, n=1, publish=(1,))
    running = make_round(app, codes, title="Lopende ronde")
    finished = make_round(app, codes, title="Gesloten ronde")
    add_response(app, finished, factory.user("leraar").id, code=codes[0])
    close(app, finished)
    make_round(app, codes, title="Afgeronde ronde")  # open, then closed without responses: done
    with app.app_context():
        from wt_curriculum.consultations import services as rounds
        from wt_curriculum.consultations.models import ConsultationRound

        done = db.session.scalar(db.select(ConsultationRound).where(ConsultationRound.title == "Afgeronde ronde"))
        rounds.close_round(db.session, done, None)
        goal_id = db.session.scalar(db.select(Goal.id).where(Goal.code == "T.A.1"))
        db.session.add(PendingChange(kind="goal.retire", goal_id=goal_id, payload=json.dumps({}), author_id=other.id))
        db.session.commit()
    login("redacteur")
    html = home(client)
    assert "Denk mee" not in html  # the rounds are the editor's own work, listed with their state
    assert html.index("start-approvals") < html.index("start-drafts") < html.index("start-rounds") \
        < html.index("start-impact")
    approvals = section(html, "start-approvals")
    assert "1 wijziging wacht op goedkeuring" in approvals and "Leerdoel T.A.1 laten vervallen" in approvals
    assert "/doelen/redactie#change-" in approvals
    rounds_part = section(html, "start-rounds")
    assert "2 consultatierondes open of te beantwoorden" in rounds_part
    assert "Lopende ronde" in rounds_part and "Gesloten ronde" in rounds_part and "Afgeronde ronde" not in rounds_part
    assert "1 zonder antwoord" in rounds_part and f"/consultaties/{running}" in rounds_part
    impact = section(html, "start-impact")
    assert "Impact: 0 lespakketten" in impact  # P3 only touches the retired U.B.9
    with app.app_context():
        builder().package("Pakket met oud doel", [5], {"U.B.9": "kern"}, world["network"])
        db.session.commit()
    impact = section(home(client), "start-impact")
    assert "Impact: 1 lespakket heeft een vervallen hoofddoel" in impact and "Pakket met oud doel" in impact


def test_admin_sees_what_to_look_after(client, login, world, factory):
    login("beheerder")
    factory.user("leraar", email="nieuw@example.org", school_id=world["school"])
    html = home(client)
    assert "De installatie onderhouden" in html and "Laatste wijzigingen" in html and "nieuw@example.org" in html
    health = section(html, "start-health")
    assert "Database: bereikbaar." in health and "Databaseschema: bijgewerkt." in health
    assert "Wachtrij: niets wacht lang." in health
    jobs = section(html, "start-jobs")
    assert "0 taken wachten" in jobs and "Er is onlangs geen taak mislukt." in jobs
    assert "Er is nog niets geïmporteerd." in section(html, "start-imports")
    menu = html[html.index('class="wrap main-nav"'):html.index("</nav>")]
    assert "Logboek" in menu and "Back-ups" in menu and "Jaarplanning" not in menu


def test_admin_sees_failed_and_waiting_jobs_and_recent_imports(app, client, login, world):
    from datetime import datetime, timedelta, timezone

    from wt_curriculum.core.models import Job

    now = datetime.now(timezone.utc)
    with app.app_context():
        db.session.add_all([
            Job(kind="reports.network_pdf", title="Netwerkrapport", state="failed",
                finished_at=now - timedelta(hours=1), message="Regel 12: onbekende school."),
            Job(kind="reports.network_pdf", title="Heel oud", state="failed", finished_at=now - timedelta(days=30)),
            Job(kind="core.backup", title="Back-up", state="queued", created_at=now - timedelta(hours=2)),
        ])
        db.session.commit()
    login("beheerder")
    raw = b"brin;naam\n12AB;OBS Nieuw\n"
    client.post("/beheer/import/scholen", data={"file": (io.BytesIO(raw), "s.csv")}, content_type="multipart/form-data")
    import base64
    client.post("/beheer/import/scholen", data={"apply": "1", "content": base64.b64encode(raw).decode()})
    html = home(client)
    jobs = section(html, "start-jobs")
    assert "1 taak wacht" in jobs and "1 mislukt in de laatste 7 dagen" in jobs
    assert "Netwerkrapport" in jobs and "Regel 12: onbekende school." in jobs and "Heel oud" not in jobs
    health = section(html, "start-health")
    assert "een taak wacht al sinds" in health and "flask worker" in health
    imports = section(html, "start-imports")
    assert "Scholen geïmporteerd" in imports


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


def fill_every_part(app, factory, world) -> None:
    """Something in every part of every start page: a change to approve, rounds, jobs, an import, packages."""
    import json
    from datetime import datetime, timedelta, timezone

    from tests.consultations.helpers import add_response, close, make_goals, make_round
    from wt_curriculum.core.models import Job
    from wt_curriculum.core.services import record_audit
    from wt_curriculum.objectives.models import Goal, PendingChange

    codes = make_goals(app, n=1, publish=(1,))
    make_round(app, codes, audiences=("iedereen",), title="Ronde over de nieuwe leerdoelen voor techniek")
    answered = make_round(app, codes, title="Ronde over digitale geletterdheid")
    add_response(app, answered, factory.user("leraar", school_id=world["school"]).id, code=codes[0])
    close(app, answered)
    author = factory.user("redacteur", email="auteur@example.org")
    now = datetime.now(timezone.utc)
    with app.app_context():
        b = builder()
        b.package("Magnetisme onderzoeken met een kompas en een spijker", [5, 6], {"U.B.9": "kern"}, world["network"])
        b.package("Een robot programmeren", [7, 8], {"U.B.1": "kern"}, world["network"], status="concept")
        goal_id = db.session.scalar(db.select(Goal.id).where(Goal.code == "T.A.1"))
        db.session.add(PendingChange(kind="goal.retire", goal_id=goal_id, payload=json.dumps({}),
                                     author_id=author.id))
        db.session.add(Job(kind="reports.network_pdf", title="Rapport van het netwerk", state="failed",
                           finished_at=now - timedelta(hours=3), message="Regel 12: onbekende school."))
        record_audit(db.session, None, "import.scholen", "scholen", None, "3 toegevoegd")
        db.session.commit()


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 768, 1280])
@pytest.mark.parametrize("role", ["leraar", "coordinator", "netwerkcoordinator", "redacteur", "beheerder"])
def test_start_pages_in_the_browser(app, live_server, page, factory, world, role, width):
    from tests.browser_fixtures import ARTIFACTS, axe_violations, browser_login

    page.set_viewport_size({"width": width, "height": 900})
    fill_every_part(app, factory, world)
    user = factory.user(role, school_id=world["school"] if role in ("leraar", "coordinator") else None,
                        network_id=world["network"] if role == "netwerkcoordinator" else None)
    browser_login(page, live_server, user)
    page.goto(f"{live_server}/")
    assert page.locator("h1").inner_text().startswith("Welkom")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # nothing sticks out sideways
    page.screenshot(path=str(ARTIFACTS / f"start-{role}-{width}.png"), full_page=True)
    assert axe_violations(page) == []
