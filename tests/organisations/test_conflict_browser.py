"""Issue 15: the conflict page of the school and account forms in a real browser (axe, 375 and 1280 px)."""
import pytest

from tests.browser_fixtures import ARTIFACTS, axe_violations, browser_login
from wt_curriculum.extensions import db


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_the_school_and_account_conflict_pages_in_the_browser(app, live_server, page, factory, width):
    from wt_curriculum.auth import services as accounts
    from wt_curriculum.auth.models import User
    from wt_curriculum.organisations import services
    from wt_curriculum.organisations.models import School

    page.set_viewport_size({"width": width, "height": 900})
    network_id = factory.network(code="NET-BR", name="Netwerk Rivierenland")
    school_id = factory.school(network_id=network_id, name="De Wilg", place="Culemborg")
    teacher = factory.user("leraar", school_id=school_id)
    admin = factory.user("beheerder")
    browser_login(page, live_server, admin)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server}/beheer/scholen/{school_id}")
    # Meanwhile another administrator renames the school.
    with app.app_context():
        school = db.session.get(School, school_id)
        services.update_school(db.session, school, services.SchoolData(
            "De Treurwilg", school.brin, school.vestiging, school.place, network_id), None, school.version)
        db.session.commit()
    page.get_by_label("Plaats").fill("Tiel")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Opslaan").click()
    assert answer.value.status == 409
    page.wait_for_load_state()
    section = page.get_by_role("region", name="Wat de ander veranderde")
    assert section.is_visible()
    rows = page.locator("table.conflict-fields tbody tr")
    assert rows.nth(0).inner_text().split("\t") == ["Naam door iemand anders gewijzigd", "De Wilg", "De Treurwilg",
                                                   "De Wilg"]
    assert rows.nth(1).inner_text().split("\t") == ["Plaats", "Culemborg", "Culemborg", "Tiel"]
    assert page.get_by_label("Plaats").input_value() == "Tiel"  # what was typed is kept
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.screenshot(path=str(ARTIFACTS / f"conflict-school-{width}.png"), full_page=True)
    assert axe_violations(page) == []

    page.goto(f"{live_server}/beheer/gebruikers/{teacher.id}")
    with app.app_context():
        user = db.session.get(User, teacher.id)
        accounts.disable_user(db.session, user, None)
        db.session.commit()
    page.get_by_label("Naam", exact=True).fill("Nieuwe naam")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Opslaan").click()
    assert answer.value.status == 409
    page.wait_for_load_state()
    assert "Kan inloggen door iemand anders gewijzigd" in page.locator("table.conflict-fields").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"conflict-account-{width}.png"), full_page=True)
    assert axe_violations(page) == []
