"""In a real browser: an editor imports a CSV file that changes a published goal; it waits on the editor's page
with its report; a second editor reads the report and approves it. An English-preferring teacher's inbox is in
English. Every page passes axe (WT_SCREENSHOTS=folder also saves them at 1280 and 375 px)."""
import os
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.browser_fixtures import axe_violations, browser_login
from tests.consultations.helpers import make_goals, make_round
from tests.objectives.helpers import goal_state
from wt_curriculum.auth.models import User
from wt_curriculum.extensions import db

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("WT_SCREENSHOTS")


def _look(page, name: str) -> None:
    assert axe_violations(page) == [], name
    if SHOTS:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_an_import_waits_for_a_second_editor_who_reads_its_report(live_server, page, app, factory, framework,
                                                                   tmp_path):
    app.config.update(FOUR_EYES=True, IMPORT_FOLDER=str(tmp_path / "imports"))
    first, second = factory.user("redacteur"), factory.user("redacteur")
    old = goal_state(app, "MN.3.2")
    csv = tmp_path / "leerdoelen.csv"
    csv.write_text("code;leerlijn;titel;omschrijving;groepen;trefwoorden;status;bron\n"
                   "MN.3.11;MN.3;Een nieuw concept;;5-8;;;\n"
                   f"MN.3.2;MN.3;Drijven en zinken onderzoeken;{old['description']};"
                   f"{','.join(map(str, old['groepen']))};;;\n", encoding="utf-8")
    browser_login(page, live_server, first)
    page.goto(f"{live_server}/uitwisseling/leerdoelen/import")
    page.set_input_files("input[type=file]", str(csv))
    page.get_by_role("button", name="Bestand controleren").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Deze regels importeren").click()
    assert "/doelen/redactie" in page.url
    assert "wacht op goedkeuring door een tweede redacteur" in page.content()
    assert goal_state(app, "MN.3.2")["title"] == old["title"] and goal_state(app, "MN.3.11") is None
    page.get_by_role("button", name="Uitloggen").click()

    browser_login(page, live_server, second)
    page.goto(f"{live_server}/doelen/redactie")
    queue = page.locator(".approval-queue")
    assert "Import van leerdoelen: leerdoelen.csv" in queue.inner_text()
    queue.get_by_text("Wat de import doet: 1 toegevoegd, 1 gewijzigd").click()
    report = queue.locator(".import-report")
    assert "Drijven en zinken onderzoeken" in report.inner_text() and "nieuw leerdoel" in report.inner_text()
    _look(page, "approval-import")
    with page.expect_navigation():
        queue.get_by_role("button", name="Goedkeuren").click()
    assert "De wijziging is goedgekeurd en doorgevoerd." in page.content()
    assert goal_state(app, "MN.3.2")["title"] == "Drijven en zinken onderzoeken"
    assert goal_state(app, "MN.3.11")["status"] == "concept"
    # Publishing the new draft waits too.
    page.goto(f"{live_server}/doelen/MN.3.11/vaststellen")
    assert "Een tweede redacteur keurt het vaststellen goed" in page.content()
    page.locator("#note").fill("Klaar voor gebruik")
    _look(page, "publish-four-eyes")
    with page.expect_navigation():
        page.get_by_role("button", name="Vaststellen").click()
    assert "Het vaststellen van leerdoel MN.3.11 wacht op goedkeuring" in page.content()
    assert goal_state(app, "MN.3.11")["status"] == "concept"


def test_an_english_preferring_teacher_reads_the_inbox_in_english(live_server, page, app, factory):
    codes = make_goals(app, n=1, prefix="EN")
    teacher = factory.user("leraar")
    with app.app_context():
        db.session.execute(update(User).where(User.id == teacher.id).values(language="en"))
        db.session.commit()
    make_round(app, codes, audiences=("leraren",), title="Bridges round")
    browser_login(page, live_server, teacher)  # the browser asks for Dutch; the account chose English
    page.goto(f"{live_server}/meldingen")
    assert page.get_by_role("heading", name="Notifications").is_visible()
    assert "Consultation round opened: Bridges round" in page.content()
    _look(page, "inbox-english")


@pytest.fixture
def queue_storage() -> str:
    return "sqlite"  # a real queue, so that the approval job waits; the storage is tests/core's business


def test_a_large_import_approved_in_the_browser_waits_as_a_job_shown_on_the_editors_page(
        live_server, page, app, factory, framework, tmp_path, queue):
    from tests.conftest import login_as
    from tests.interchange.helpers import confirm, token_of, upload
    from wt_curriculum.core import jobs

    app.config.update(FOUR_EYES=True, IMPORT_FOLDER=str(tmp_path / "imports"), IMPORTS_BACKGROUND_ROWS=1)
    first, second = factory.user("redacteur"), factory.user("redacteur")
    old = goal_state(app, "MN.3.2")
    proposer = app.test_client()
    login_as(proposer, app, first)
    content = ("code;leerlijn;titel;omschrijving;groepen;trefwoorden;status;bron\n"
               "MN.3.11;MN.3;Een nieuw concept;;5-8;;;\n"
               f"MN.3.2;MN.3;Drijven en zinken onderzoeken;{old['description']};"
               f"{','.join(map(str, old['groepen']))};;;\n").encode()
    assert confirm(proposer, "goals", token_of(upload(proposer, "goals", content, "groot.csv"))).status_code == 303

    browser_login(page, live_server, second)
    page.goto(f"{live_server}/doelen/redactie")
    with page.expect_navigation():
        page.locator(".approval-queue").get_by_role("button", name="Goedkeuren").click()
    assert "/taken/" in page.url and "Goedkeuren van de import van leerdoelen: groot.csv" in page.content()
    job_url = page.url
    assert goal_state(app, "MN.3.2")["title"] == old["title"]
    page.goto(f"{live_server}/doelen/redactie")
    queue_section = page.locator(".approval-queue")
    assert "Wacht op doorvoeren" in queue_section.inner_text()
    assert queue_section.get_by_role("button", name="Goedkeuren").count() == 0
    _look(page, "approval-being-applied")
    with app.app_context():
        jobs.run_job(int(job_url.rsplit("/", 1)[1]))
        db.session.remove()
    with page.expect_navigation():
        queue_section.get_by_role("link", name="Volg de voortgang").click()
    assert page.url == job_url and "De import is goedgekeurd en doorgevoerd" in page.content()
    with page.expect_navigation():
        page.locator('a.button[href="/doelen/redactie"]').click()  # the job's result: back to the editor's page
    assert page.url.endswith("/doelen/redactie") and "Wacht op goedkeuring" not in page.content()
    assert goal_state(app, "MN.3.2")["title"] == "Drijven en zinken onderzoeken"
