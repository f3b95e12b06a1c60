"""A school coordinator switches from the coverage page to coverage per doelzin 2025 and to the transition
view in a real browser; axe finds no serious or critical problems on either page."""
import pytest

from tests.browser_fixtures import axe_violations, browser_login
from tests.planning.kerndoel_world import build


@pytest.mark.browser
def test_coordinator_switches_to_coverage_per_doelzin(live_server, page, app, factory):
    world = build(app)
    coordinator = factory.user("coordinator", school_id=world["alfa"])
    browser_login(page, live_server, coordinator)

    page.goto(f"{live_server}/scholen/{world['alfa']}/dekking?jaar=2026-2027")
    switch = page.get_by_role("navigation", name="Weergave van de dekking")
    with page.expect_navigation():
        switch.get_by_role("link", name="per doelzin 2025").click()
    assert page.url.endswith(f"/scholen/{world['alfa']}/kerndoelen?set=kd2025-po&jaar=2026-2027")
    assert "Dekking per doelzin 2025, 2026-2027" in page.get_by_role("heading", level=1).inner_text()
    row = page.get_by_role("row", name="KD2025-PO-29A")
    assert "✔ ja" in row.inner_text()
    assert "Plantenpakket (groep 3-4)" in row.inner_text()
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("navigation", name="Weergave van de dekking").get_by_role(
            "link", name="Overgang 2006 → 2025").click()
    assert "Van de kerndoelen 2006 naar 2025" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("row", name="KD2025-PO-30A").count() == 1
    assert axe_violations(page) == []

    # The per-kerndoel view of the network, as the network's coordinator sees it.
    page.context.clear_cookies()
    browser_login(page, live_server, factory.user("netwerkcoordinator", network_id=world["network"]))
    page.goto(f"{live_server}/netwerken/{world['network']}/kerndoelen?set=kd2006-po&jaar=2026-2027")
    assert "Netwerkdekking per kerndoel 2006" in page.get_by_role("heading", level=1).inner_text()
    assert axe_violations(page) == []
