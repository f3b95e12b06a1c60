"""In a real browser: a school coordinator plans a package and sees coverage change; axe on the pages."""
import pytest

from tests.browser_fixtures import axe_violations, browser_login
from tests.planning.builders import Builder, base_framework
from wt_curriculum.extensions import db


@pytest.mark.browser
def test_coordinator_plans_a_package_and_coverage_changes(app, live_server, page, factory):
    with app.app_context():
        b = Builder(db.session)
        network_id = b.network()
        base_framework(b, network_id)
        school = b.school(network_id, "OBS Browser")
        b.plan(school, 2025, 1, "P2")
        db.session.commit()
    user = factory.user("coordinator", school_id=school)
    browser_login(page, live_server, user)

    page.goto(f"{live_server}/scholen/{school}/dekking?jaar=2026-2027")
    assert "0 van 5 leerdoelen gedekt" in page.content()
    assert axe_violations(page) == []

    page.goto(f"{live_server}/scholen/{school}/plan/groep/1?jaar=2026-2027")
    page.get_by_label("Lespakket").select_option(label="P1 (groep 1-2)")
    page.get_by_label("Periode of week (optioneel)").fill("periode 1")
    with page.expect_navigation():
        page.get_by_role("button", name="Aan de planning toevoegen").first.click()
    assert "is toegevoegd aan de planning van groep 1" in page.content()
    assert axe_violations(page) == []

    page.goto(f"{live_server}/scholen/{school}/plan?jaar=2026-2027")
    assert axe_violations(page) == []

    page.goto(f"{live_server}/scholen/{school}/dekking?jaar=2026-2027")
    assert "1 van 5 leerdoelen gedekt" in page.content()

    page.goto(f"{live_server}/scholen/{school}/cohort?start=2025-2026")
    assert axe_violations(page) == []

    admin = factory.user("beheerder")
    page.context.clear_cookies()
    browser_login(page, live_server, admin)
    page.goto(f"{live_server}/netwerken/{network_id}/dekking?jaar=2026-2027")
    assert "mediaan" in page.content()
    assert axe_violations(page) == []
