import pytest

from tests.browser_fixtures import axe_violations, browser_login

pytestmark = pytest.mark.browser


def test_log_in_switch_language_and_back(live_server, page, factory):
    user = factory.user("redacteur")
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert axe_violations(page) == []
    browser_login(page, live_server, user)
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Log out").is_visible()
    page.get_by_role("button", name="Nederlands").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Uitloggen").is_visible()


def test_login_page_is_accessible_and_keyboard_usable(live_server, page, factory):
    user = factory.user("leraar")
    page.goto(live_server + "/inloggen")
    assert axe_violations(page) == []
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    assert skip.evaluate("el => el === document.activeElement")
    # Wrong password: the error is announced and the page stays accessible.
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill("niet-het-wachtwoord")
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text().count("klopt niet") == 1
    assert axe_violations(page) == []


def test_phone_width_has_no_horizontal_scroll(live_server, page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server + "/inloggen")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
