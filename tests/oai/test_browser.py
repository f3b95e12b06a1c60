"""In a real browser: a network coordinator adds a source, harvests it and confirms a suggested goal; a teacher
finds the material beside the packages in search. axe checks every page; screenshots at 1280 and 375 px."""
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.browser_fixtures import axe_violations, browser_login
from tests.oai.conftest import kerndoel_goals
from tests.oai.sources import ScriptedSource, Served, record
from tests.oai.test_harvest import PLAIN, deep_lom
from wt_curriculum.extensions import db
from wt_curriculum.oai.models import HarvestSource, MaterialGoal

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("WT_SCREENSHOTS")  # a folder: keep screenshots of every page there


def shoot(page, name):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_coordinator_brings_in_outside_materials_and_a_teacher_finds_them(app, live_server, page, factory,
                                                                           references, local_sources):
    scripted = ScriptedSource()
    served = Served(scripted)
    try:
        goal_id, _, uuids = kerndoel_goals(app, 1)[0]
        kerndoel = sorted(uuids)[0]
        scripted.pages = [[record("oai:bron:1", "2026-11-01T10:00:00Z", deep_lom(kerndoel, kerndoel)),
                           record("oai:bron:2", "2026-11-02T10:00:00Z", PLAIN)]]
        network = factory.network(code="NET-OAI", name="Netwerk Oogst")
        browser_login(page, live_server, factory.user("netwerkcoordinator", network_id=network))

        page.goto(f"{live_server}/beheer/oai-bronnen")
        page.get_by_role("button", name="Bron toevoegen").click()  # empty: the form says what is missing
        assert page.get_by_role("alert").is_visible()
        assert axe_violations(page) == []
        page.get_by_label("Naam").fill("Techniek Lab")
        page.get_by_label("Adres van het OAI-PMH-endpoint").fill(served.url + "/oai")
        page.get_by_role("button", name="Bron toevoegen").click()
        page.wait_for_url(re.compile(r"/beheer/oai-bronnen/\d+$"))
        with page.expect_navigation():
            page.get_by_role("button", name="Nu oogsten").click()
        assert "De laatste oogst bracht 2 records." in page.content()
        assert axe_violations(page) == []
        shoot(page, "oai-source")

        page.get_by_role("link", name="Brug van spaghetti").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Brug van spaghetti"
        assert page.get_by_role("link", name="Naar het materiaal (andere website)").get_attribute("href") == \
            "https://bron.example/materiaal/1"
        assert axe_violations(page) == []
        shoot(page, "oai-material")
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile(r"^Bevestigen ")).first.click()
        assert "is bevestigd voor dit materiaal" in page.content()
        with app.app_context():
            assert "bevestigd" in set(db.session.scalars(select(MaterialGoal.status)))

        page.goto(f"{live_server}/beheer/oai-bronnen")
        assert axe_violations(page) == []
        shoot(page, "oai-sources")

        page.context.clear_cookies()
        browser_login(page, live_server, factory.user("leraar"))
        page.goto(f"{live_server}/lespakketten?q=spaghetti")
        outside = page.get_by_role("region", name=re.compile("materiaal van elders"))
        assert outside.get_by_role("link", name="Brug van spaghetti", exact=True).get_attribute("href") == \
            "https://bron.example/materiaal/1"
        assert outside.get_by_text("extern").first.is_visible()
        assert axe_violations(page) == []
        shoot(page, "oai-search")
    finally:
        served.close()


def test_a_source_on_a_private_address_is_refused_at_its_field(app, live_server, page, factory):
    """The metadata service of a cloud as a source: refused when it is added, the message at the address field."""
    network = factory.network(code="NET-SSRF", name="Netwerk Adres")
    browser_login(page, live_server, factory.user("netwerkcoordinator", network_id=network))
    page.goto(f"{live_server}/beheer/oai-bronnen")
    page.get_by_label("Naam").fill("Metadata")
    address = page.get_by_label("Adres van het OAI-PMH-endpoint")
    address.fill("http://169.254.169.254/latest/meta-data/")
    with page.expect_navigation():
        page.get_by_role("button", name="Bron toevoegen").click()
    assert address.get_attribute("aria-invalid") == "true"
    assert page.locator("#url-error").inner_text() == (
        "169.254.169.254 is een lokaal of privéadres; de server haalt alleen adressen op het openbare internet op.")
    assert address.input_value() == "http://169.254.169.254/latest/meta-data/"
    assert page.get_by_role("alert").is_visible()
    assert axe_violations(page) == []
    shoot(page, "oai-source-refused")
    with app.app_context():
        assert db.session.scalars(select(HarvestSource)).all() == []


def test_a_teacher_plans_an_outside_material_from_its_page(app, live_server, page, factory, references):
    """The material's page offers the plan form (school year, groep); the entry appears in the year plan with the
    material's title, marked as an outside material with its link, and the confirmed goal counts as planned."""
    from wt_curriculum.objectives.models import Goal
    from wt_curriculum.planning.models import PlanEntry

    (confirmed, _, _), (suggested, _, _) = kerndoel_goals(app, 2)
    network = factory.network(code="NET-OAI", name="Netwerk Oogst")
    with app.app_context():
        goal = db.session.get(Goal, confirmed)
        code, groep = goal.code, goal.groepen[0]
        source = HarvestSource(name="Techniek Lab", url="https://bron.example/oai", network_id=network)
        db.session.add(source)
        db.session.flush()
        from wt_curriculum.oai.models import ExternalMaterial

        material = ExternalMaterial(source_id=source.id, identifier="oai:bron:1", title="Brug van spaghetti",
                                    description="Bouw een brug van spaghetti en test hoeveel hij draagt.",
                                    url="https://bron.example/materiaal/1", licence="cc-by-sa-40",
                                    groepen_mask=0b11000000, publisher="Techniek Lab")
        db.session.add(material)
        db.session.flush()
        db.session.add(MaterialGoal(material_id=material.id, goal_id=confirmed, status="bevestigd"))
        db.session.add(MaterialGoal(material_id=material.id, goal_id=suggested))
        db.session.commit()
        material_id = material.id
    teacher = factory.user("leraar", network_id=network)
    browser_login(page, live_server, teacher)

    page.goto(f"{live_server}/materialen/{material_id}")
    form = page.get_by_role("region", name="Toevoegen aan de jaarplanning van mijn school")
    assert "alleen mee voor de dekking van de hierboven bevestigde leerdoelen" in form.inner_text()
    assert axe_violations(page) == []
    shoot(page, "oai-material-plan")
    form.get_by_label("Groep").select_option(str(groep))
    form.get_by_label("Periode (niet verplicht)").fill("week 12")
    form.get_by_role("button", name="Toevoegen aan jaarplanning").click()
    page.wait_for_url(re.compile(rf"/scholen/{teacher.school_id}/plan\?jaar="))
    assert "Brug van spaghetti is toegevoegd aan de planning" in page.content()
    table = page.get_by_role("table", name=f"Groep {groep}: geplande lespakketten")
    row = table.get_by_role("row").filter(has_text="Brug van spaghetti")
    assert row.get_by_text("Materiaal van elders").is_visible()
    assert row.get_by_role("link", name=re.compile("Naar het materiaal")).get_attribute("href") == \
        "https://bron.example/materiaal/1"
    assert row.get_by_role("link", name=code).is_visible()
    assert axe_violations(page) == []
    shoot(page, "oai-planned-in-year-plan")
    with app.app_context():
        entry = db.session.scalars(select(PlanEntry)).one()
        assert (entry.school_id, entry.groep, entry.period) == (teacher.school_id, groep, "week 12")
