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
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Log out").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Nederlands").click()
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


def test_axe_checks_wcag_2_2_target_sizes(page):
    """The fixture runs the WCAG 2.2 AA rules, target-size (2.5.8) included, which axe leaves off by default."""
    tiny = ('<button style="width:10px;height:10px;padding:0;border:0" aria-label="een"></button>'
            '<button style="width:10px;height:10px;padding:0;border:0" aria-label="twee"></button>')
    page.set_content('<!doctype html><html lang="nl"><head><title>Klein</title></head><body><main><h1>Klein</h1>'
                     f'<div style="display:flex">{tiny}</div></main></body></html>')
    assert [v["id"] for v in axe_violations(page)] == ["target-size"]
    page.set_content('<!doctype html><html lang="nl"><head><title>Groot</title></head><body><main><h1>Groot</h1>'
                     f'<div style="display:flex">{tiny.replace("10px", "24px")}</div></main></body></html>')
    assert axe_violations(page) == []


FOCUS_HIDDEN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return null;
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + Math.min(r.height, 20) / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  const visible = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  const covered = top && !(top === el || el.contains(top) || top.contains(el)
                           || top.closest('label') === el.closest('label'));
  if (!visible || covered) return el.outerHTML.slice(0, 120) + ' under ' + (top ? top.outerHTML.slice(0, 80) : '-');
  return null;
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_focus_is_never_hidden(live_server, page, factory, width):
    """WCAG 2.4.11: every element reached with Tab is on screen and not covered by anything (a sticky header)."""
    page.set_viewport_size({"width": width, "height": 700})
    user = factory.user("coordinator")
    browser_login(page, live_server, user)
    for path in ("/", "/lespakketten", "/doelen"):
        page.goto(live_server + path)
        hidden = []
        for _ in range(40):
            page.keyboard.press("Tab")
            problem = page.evaluate(FOCUS_HIDDEN)
            if problem:
                hidden.append(problem)
        assert hidden == [], path
