"""In a real browser: a network coordinator writes a package, picks two goals and publishes it; axe checks."""
import re

import pytest
from sqlalchemy import select

from tests.browser_fixtures import axe_violations, browser_login
from wt_curriculum.extensions import db
from wt_curriculum.lessons.models import Alignment, LessonPackage

pytestmark = pytest.mark.browser


def test_network_coordinator_creates_and_publishes_a_package_with_the_goal_picker(
        app, live_server, page, factory, framework):
    network = factory.network(code="NET-BR", name="Netwerk Browser")
    user = factory.user("netwerkcoordinator", network_id=network)
    browser_login(page, live_server, user)

    page.goto(f"{live_server}/lespakketten/nieuw")
    page.get_by_label("Titel").fill("Windmolens ontwerpen")
    page.get_by_label("Samenvatting").fill("Leerlingen bouwen een windmolen die een gewicht optilt.")
    page.get_by_label("groep 7").check()
    page.get_by_label("groep 8").check()
    page.get_by_label("Aantal lessen").fill("3")
    page.get_by_label("Minuten per les").fill("60")

    picker = page.get_by_label("Leerdoelen zoeken op code of woorden")
    picker.fill("MN.3.6")
    page.get_by_role("button", name="Leerdoelen zoeken").click()
    page.get_by_label(re.compile(r"^MN\.3\.6 ")).check()
    # What was typed survives the round trip to the server.
    assert page.get_by_label("Titel").input_value() == "Windmolens ontwerpen"
    picker.fill("MN.8.3")
    page.get_by_role("button", name="Leerdoelen zoeken").click()
    page.get_by_label(re.compile(r"^MN\.8\.3 ")).check()
    page.get_by_role("button", name="Aangevinkte leerdoelen toevoegen").click()

    assert page.get_by_label("Rol van MN.3.6").input_value() == "kern"
    assert page.get_by_label("Rol van MN.8.3").input_value() == "raakt"
    assert axe_violations(page) == []

    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(r"/lespakketten/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Windmolens ontwerpen"
    with page.expect_navigation():
        page.get_by_role("button", name="Publiceren").click()
    assert "Het lespakket is gepubliceerd." in page.content()
    assert axe_violations(page) == []

    with app.app_context():
        package = db.session.scalar(select(LessonPackage).where(LessonPackage.title == "Windmolens ontwerpen"))
        assert package.status == "gepubliceerd" and package.network_id == network and package.groepen == [7, 8]
        relations = dict(db.session.execute(
            select(Alignment.relation, Alignment.id).where(Alignment.package_id == package.id)).all())
        assert set(relations) == {"kern", "raakt"}

    page.goto(f"{live_server}/lespakketten?q=windmolen")
    assert page.get_by_role("link", name="Windmolens ontwerpen").is_visible()
    assert axe_violations(page) == []
