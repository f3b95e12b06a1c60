"""In a real browser, the round the issue asks for: an editor opens it, a teacher and a network coordinator
respond (one with a proposed wording), the editor adopts one and declines one with reasons, the report PDF lists
both, the adopted wording is in the goal's history, and the release notes between the two releases show the
change. Every page passes axe; the mails arrive on a local SMTP server."""
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser_fixtures import axe_violations, browser_login
from tests.consultations.helpers import make_goals
from tests.reports.helpers import pdf_text
from wt_curriculum.extensions import db
from wt_curriculum.objectives import services as goals

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("WT_SCREENSHOTS")  # a folder: pages are also saved there at 1280 and 375 px


def _look(page, name: str) -> None:
    assert axe_violations(page) == [], name
    if SHOTS:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def _log_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Uitloggen").click()


def test_a_consultation_round_from_opening_to_release_notes(live_server, page, app, factory, smtp_inbox):
    app.config.update(smtp_inbox.config(), BASE_URL=live_server)
    make_goals(app, n=2, publish=(1, 2))
    with app.app_context():
        goals.publish_release(db.session, "2030.1", date(2030, 1, 1), "", None)
        db.session.commit()
    network = factory.network(name="Techniek Oost")
    school = factory.school(network_id=network, name="De Klimop")
    editor = factory.user("redacteur")
    teacher = factory.user("leraar", school_id=school, email="juf@klimop.example")
    coordinator = factory.user("netwerkcoordinator", network_id=network, email="coord@oost.example")

    # The editor opens the round.
    browser_login(page, live_server, editor)
    page.goto(f"{live_server}/consultaties")
    _look(page, "rounds")
    page.get_by_role("link", name="Een consultatieronde openen").click()
    page.get_by_label("Titel", exact=True).fill("Bruggen en constructies")
    page.get_by_label("Toelichting bij de ronde").fill("Wat vind je van deze twee doelen?")
    page.get_by_label("Einddatum").fill((date.today() + timedelta(days=14)).isoformat())
    page.get_by_label("leraren").check()
    page.get_by_label("netwerkcoördinatoren").check()
    page.get_by_label("de leerdoelen die ik hieronder noem").check()
    page.get_by_label("Codes van leerdoelen").fill("CO.1.1, CO.1.2")
    _look(page, "round-form")
    with page.expect_navigation():
        page.get_by_role("button", name="De ronde openen").click()
    assert "De consultatieronde is geopend." in page.locator(".flashes").inner_text()
    round_url = page.url
    _log_out(page)

    # A teacher sees it on the home page and proposes a wording.
    browser_login(page, live_server, teacher)
    page.goto(f"{live_server}/")
    _look(page, "home")
    page.get_by_role("link", name="Bruggen en constructies").click()
    page.get_by_role("link", name="Reageren op CO.1.1").click()
    page.get_by_label("eens met wijzigingen").check()
    page.get_by_label("Toelichting", exact=True).fill("Torens horen erbij.")
    page.get_by_label("Voorgestelde titel (niet verplicht)").fill("Doel 1 over bruggen en torens bouwen")
    _look(page, "respond")
    with page.expect_navigation():
        page.get_by_role("button", name="Je reactie versturen").click()
    assert "Dank je" in page.locator(".flashes").inner_text()
    assert "De Klimop" in page.locator("article.response").first.inner_text()
    _log_out(page)

    # A network coordinator disagrees with the other goal.
    browser_login(page, live_server, coordinator)
    page.goto(round_url)
    page.get_by_role("link", name="Reageren op CO.1.2").click()
    page.get_by_label("oneens").check()
    page.get_by_label("Toelichting", exact=True).fill("Te moeilijk voor groep 5.")
    with page.expect_navigation():
        page.get_by_role("button", name="Je reactie versturen").click()
    _log_out(page)

    # The editor closes the round, sees the proposal as a diff, adopts one and declines the other.
    browser_login(page, live_server, editor)
    page.goto(round_url)
    assert page.locator(".diff ins").first.inner_text() == "en torens"
    _look(page, "round-editor")
    with page.expect_navigation():
        page.get_by_role("button", name="De ronde nu sluiten").click()
    page.locator("section.round-goal").nth(0).get_by_role("link", name="Antwoord", exact=True).click()
    page.get_by_label("overgenomen", exact=True).check()
    page.get_by_label("Reden").fill("Goed punt: torens staan nu in de titel.")
    page.get_by_label("Deze formulering toepassen op het leerdoel").check()
    _look(page, "answer")
    with page.expect_navigation():
        page.get_by_role("button", name="Antwoord opslaan").click()
    page.locator("section.round-goal").nth(1).get_by_role("link", name="Antwoord", exact=True).click()
    page.get_by_label("niet overgenomen").check()
    page.get_by_label("Reden").fill("Past bij groep 6; we houden het zo.")
    with page.expect_navigation():
        page.get_by_role("button", name="Antwoord opslaan").click()
    assert "Elke reactie is beantwoord: de ronde is klaar." in page.content()

    # The report PDF lists both responses with their answers.
    page.get_by_role("link", name="Consultatierapport").click()
    _look(page, "report")
    pdf = page.request.get(page.url + ".pdf")
    assert pdf.status == 200
    text = " ".join(pdf_text(pdf.body())[1])
    if SHOTS:
        (Path(SHOTS) / "report.pdf").write_bytes(pdf.body())
    assert "Torens horen erbij." in text and "Te moeilijk voor groep 5." in text
    assert "Goed punt" in text and "Past bij groep 6" in text

    # The adopted wording is in the goal's history, naming the response.
    page.goto(f"{live_server}/doelen/CO.1.1/geschiedenis")
    assert "Formulering uit reactie" in page.locator("table.revisions").inner_text()

    # A new release, and the release notes between the two show the change.
    page.goto(f"{live_server}/doelen/versies/nieuw")
    page.get_by_label("Versie", exact=True).fill("2030.2")
    page.get_by_label("Datum van vaststelling").fill(date.today().isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Vaststellen").click()
    page.goto(f"{live_server}/versies")
    page.get_by_label("Van versie").select_option("2030.1")
    page.get_by_label("Naar versie").select_option("2030.2")
    with page.expect_navigation():
        page.get_by_role("button", name="Vergelijken").click()
    changed = page.locator("#changed").locator("xpath=..").inner_text()
    assert "CO.1.1" in changed and "en torens" in changed
    _look(page, "release-notes")

    # The mails: the round opening and the answer, to the respondents; the unsubscribe link works.
    messages = smtp_inbox.wait_for(4)
    subjects = sorted((m["To"], m["Subject"]) for m in messages)
    assert ("juf@klimop.example", "Consultatieronde geopend: Bruggen en constructies") in subjects
    assert ("coord@oost.example", "Consultatieronde geopend: Bruggen en constructies") in subjects
    assert any(to == "juf@klimop.example" and "is beantwoord: overgenomen" in s for to, s in subjects)
    assert any(to == "coord@oost.example" and "is beantwoord: niet overgenomen" in s for to, s in subjects)
