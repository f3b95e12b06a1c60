"""In a real browser (issue 21): the gap page for all groepen, the complete most-missed list, a package page with
its use and experiences, sharing an experience and moderating it; axe on every page, screenshots at 1280 and
375 px in test-artifacts/."""
from datetime import date

import pytest

from tests.browser_fixtures import ARTIFACTS, axe_violations, browser_login
from tests.planning.builders import Builder, base_framework
from wt_curriculum.extensions import db

pytestmark = pytest.mark.browser


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"issue21-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_gaps_missed_goals_use_and_experiences_in_a_browser(app, live_server, page, factory, monkeypatch):
    monkeypatch.setattr("wt_curriculum.planning.use.current_school_year", lambda: 2026)
    with app.app_context():
        b = Builder(db.session)
        network_id = b.network()
        base_framework(b, network_id)
        school = b.school(network_id, "OBS Browser")
        b.school(network_id, "OBS Tweede")
        b.plan(school, 2026, 1, "P1", taught_on=date(2026, 10, 1))
        db.session.commit()
        package_id = b.packages["P1"].id
    teacher = factory.user("leraar", school_id=school)
    browser_login(page, live_server, teacher)

    page.goto(f"{live_server}/scholen/{school}/hiaten?groep=alle&jaar=2026-2027")
    assert "Hiaten en suggesties, alle groepen in 2026-2027" in page.content()
    assert "Een leerdoel telt als gedekt voor het schooljaar" in page.content()
    assert axe_violations(page) == []
    shoot(page, "gaps")

    page.goto(f"{live_server}/lespakketten/{package_id}")
    assert "2026-2027: gepland door 1 school in 1 netwerk" in page.content()
    assert axe_violations(page) == []  # the teacher's form, inside the cached experiences
    shoot(page, "package-teacher")
    page.get_by_label("Waardering (5 is het best)").select_option("4")
    page.get_by_label("Je ervaring (kort, geen namen van leerlingen)").fill("Goed te doen in groep 1.")
    with page.expect_navigation():
        page.get_by_role("button", name="Versturen").click()
    assert "Je ervaring verschijnt zodra het netwerk" in page.content()
    assert axe_violations(page) == []

    page.context.clear_cookies()
    browser_login(page, live_server, factory.user("netwerkcoordinator", network_id=network_id))
    page.goto(f"{live_server}/netwerken/{network_id}/ervaringen")
    assert axe_violations(page) == []
    shoot(page, "moderate")
    with page.expect_navigation():
        page.get_by_role("button", name="Goedkeuren").click()
    assert "De ervaring is goedgekeurd." in page.content()

    page.goto(f"{live_server}/netwerken/{network_id}/dekking?jaar=2026-2027")
    assert "Leerdoelen die de meeste scholen missen" in page.content() or "missen" in page.content()
    assert axe_violations(page) == []
    shoot(page, "network")

    page.goto(f"{live_server}/lespakketten/{package_id}")
    assert "Gewaardeerd met 4,0 van 5 door 1 leraar" in page.content()
    assert axe_violations(page) == []
    shoot(page, "package")

    page.goto(f"{live_server}/lespakketten?sort=gebruik")
    assert axe_violations(page) == []
    shoot(page, "search")
