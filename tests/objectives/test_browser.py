"""In a real browser: an editor edits and publishes a goal and reads its history; the pages pass axe."""
import pytest

from tests.browser_fixtures import axe_violations, browser_login
from tests.objectives.helpers import add_goal, goal_state

pytestmark = pytest.mark.browser


def test_an_editor_edits_publishes_and_reads_the_history(live_server, page, app, framework, factory):
    add_goal(app, "MN.7.70", title="Een eerste opzet", publish=False)
    editor = factory.user("redacteur")
    browser_login(page, live_server, editor)

    page.goto(f"{live_server}/doelen")
    assert axe_violations(page) == []
    page.goto(f"{live_server}/doelen/MN.7.70")
    assert axe_violations(page) == []

    with page.expect_navigation():  # axe goes into the edit page, not into the page being left
        page.get_by_role("link", name="Bewerken", exact=True).click()
    assert axe_violations(page) == []
    page.get_by_label("Titel", exact=True).fill("Zelf een windmolen ontwerpen en testen")
    page.get_by_label("groep 7").check()
    page.get_by_label("Toelichting bij de wijziging").fill("Titel aangescherpt")
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith("Zelf een windmolen ontwerpen en testen")

    page.get_by_role("link", name="Vaststellen", exact=True).click()
    page.get_by_label("Toelichting bij de wijziging").fill("Vastgesteld in de redactievergadering")
    with page.expect_navigation():
        page.get_by_role("button", name="Vaststellen").click()
    assert "is vastgesteld" in page.locator(".flashes").inner_text()
    assert goal_state(app, "MN.7.70")["status"] == "vastgesteld"

    page.get_by_role("link", name="Geschiedenis", exact=True).click()
    rows = page.locator("table.revisions tbody tr")
    assert rows.count() == 3
    assert "Vastgesteld in de redactievergadering" in rows.nth(0).inner_text()
    page.get_by_label("Vergelijk vanaf versie 1").check()
    page.get_by_label("Vergelijk met versie 3").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Gekozen versies vergelijken").click()
    diff = page.locator("table.diff").inner_text()
    assert "Een eerste opzet" in diff and "Zelf een windmolen ontwerpen en testen" in diff
    assert axe_violations(page) == []


def test_an_editor_reinstates_a_retired_goal(live_server, page, app, framework, factory, tmp_path):
    """Issue 15: the retired goal's page offers "Weer vaststellen"; the page shows the impact and passes axe."""
    add_goal(app, "MN.7.71", title="Een doel dat terugkomt")
    editor = factory.user("redacteur")
    browser_login(page, live_server, editor)
    page.goto(f"{live_server}/doelen/MN.7.71/laten-vervallen")
    page.get_by_label("Toelichting bij de wijziging").fill("Niet meer nodig")
    with page.expect_navigation():
        page.get_by_role("button", name="Laten vervallen").click()
    assert goal_state(app, "MN.7.71")["status"] == "vervallen"

    with page.expect_navigation():
        page.get_by_role("link", name="Weer vaststellen", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Leerdoel MN.7.71 weer vaststellen"
    assert page.locator("#impact-heading").inner_text() == "Wat dit raakt"
    assert axe_violations(page) == []
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"reinstate-{width}.png"), full_page=True)
    page.get_by_label("Toelichting bij de wijziging").fill("Toch weer nodig")
    with page.expect_navigation():
        page.get_by_role("button", name="Weer vaststellen").click()
    assert "weer in gebruik" in page.locator(".flashes").inner_text()
    assert goal_state(app, "MN.7.71")["status"] == "vastgesteld"
