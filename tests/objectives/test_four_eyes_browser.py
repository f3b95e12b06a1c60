"""In a real browser: one editor changes a published goal, a second approves it from the queue on the editor's
page; the page passes axe."""
import pytest

from tests.browser_fixtures import axe_violations, browser_login
from tests.objectives.helpers import goal_state
from tests.objectives.test_four_eyes import _goals

pytestmark = pytest.mark.browser


def test_a_second_editor_approves_from_the_queue(live_server, page, app, factory):
    app.config["FOUR_EYES"] = True
    _goals(app)
    first, second = factory.user("redacteur"), factory.user("redacteur")
    browser_login(page, live_server, first)
    page.goto(f"{live_server}/doelen/VE.1.1/bewerken")
    page.get_by_label("Titel", exact=True).fill("Nieuwe titel")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert "wacht op goedkeuring" in page.locator(".flashes").inner_text()
    assert goal_state(app, "VE.1.1")["title"] == "Oude titel"
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()

    browser_login(page, live_server, second)
    page.goto(f"{live_server}/doelen/redactie")
    queue = page.locator("section.approval-queue")
    assert "Wijziging van leerdoel VE.1.1" in queue.inner_text()
    assert axe_violations(page) == []
    queue.get_by_role("button", name="Goedkeuren").click()
    page.wait_for_load_state()
    assert "goedgekeurd en doorgevoerd" in page.locator(".flashes").inner_text()
    assert goal_state(app, "VE.1.1")["title"] == "Nieuwe titel"
    assert page.locator("section.approval-queue").count() == 0
