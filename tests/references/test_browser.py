"""The reference framework page and the crosswalk edit page in a real browser, checked with axe."""
import pytest

from tests.browser_fixtures import axe_violations, browser_login


@pytest.mark.browser
def test_framework_and_crosswalk_pages_are_accessible(live_server, page, factory, references):
    editor = factory.user("redacteur")
    browser_login(page, live_server, editor)

    page.goto(f"{live_server}/referentiekaders/kd2025-po")
    assert page.get_by_role("heading", level=1).inner_text() == "Kerndoelen primair onderwijs (herzien, 2025)"
    assert axe_violations(page) == []

    page.goto(f"{live_server}/doelen/MN.1.1/kruistabel")
    # A bad code shows an error at the field, and the page stays accessible.
    page.get_by_label("Referentiekader").select_option("kd2025-po")
    page.get_by_label("Code of UUID").fill("KD2025-PO-99Z")
    page.get_by_role("button", name="Koppeling toevoegen").click()
    page.wait_for_load_state()
    assert "heeft geen knoop KD2025-PO-99Z" in page.locator(".error").first.inner_text()
    assert axe_violations(page) == []
    # A good one is added and listed.
    page.get_by_label("Code of UUID").fill("KD2025-PO-32A")
    page.get_by_role("button", name="Koppeling toevoegen").click()
    page.wait_for_load_state()
    assert page.locator("tr", has_text="KD2025-PO-32A").count() == 1
    assert axe_violations(page) == []
