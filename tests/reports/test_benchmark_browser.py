"""In a real browser, at 1280 and 375 px: the network benchmark (network coordinator) and the national picture
(editor): axe finds nothing, the charts are images with names, the page does not scroll sideways on a phone
(wide tables scroll in their own region), and the year picker works."""
import os

import pytest

from tests.browser_fixtures import axe_violations, browser_login
from tests.planning.benchmark_world import build

SHOTS = os.environ.get("WT_SCREENSHOTS")  # a folder: keep screenshots of both pages at both widths


def _check(page, url: str, name: str) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        assert axe_violations(page) == [], (url, width)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (url, width, overflow)
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=True)


@pytest.mark.browser
def test_benchmark_in_the_browser(app, live_server, page, factory):
    ids = build(app)
    user = factory.user("netwerkcoordinator", network_id=ids["n1"])
    browser_login(page, live_server, user)
    url = f"{live_server}/rapporten/netwerken/{ids['n1']}/vergelijking?year=2026-2027"
    _check(page, url, "benchmark")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    assert page.get_by_role("heading", level=1).inner_text() == "Vergelijking 2026-2027: Netwerk N1"
    chart = page.get_by_role("img", name="T.B Lijn T.B: Netwerk N1 tegenover het land")
    assert chart.count() == 1
    assert page.get_by_role("img", name="K2 Knoop K2: Netwerk N1 tegenover het land").count() == 1
    assert page.get_by_role("table", name="Mediane dekking per leerlijn: Netwerk N1 en het land").is_visible()
    page.get_by_label("Laatste schooljaar").select_option("2025-2026")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url("**year=2025-2026")
    assert page.get_by_role("heading", level=1).inner_text() == "Vergelijking 2025-2026: Netwerk N1"


@pytest.mark.browser
def test_national_picture_in_the_browser(app, live_server, page, factory):
    build(app)
    user = factory.user("redacteur")
    browser_login(page, live_server, user)
    url = f"{live_server}/rapporten/landelijk?year=2026-2027"
    _check(page, url, "national")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    assert page.get_by_role("img", name="Scholen met een jaarplanning per provincie, 2026-2027 (tegelkaart: elke "
                                        "provincie één tegel)").count() == 1
    assert page.get_by_role("table", name="Scholen met een jaarplanning per provincie").is_visible()
    page.get_by_role("link", name="Netwerk N1").click()
    page.wait_for_url("**/vergelijking?year=2026-2027")
    assert page.get_by_role("heading", level=1).inner_text() == "Vergelijking 2026-2027: Netwerk N1"
