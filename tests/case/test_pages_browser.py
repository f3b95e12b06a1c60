"""The CASE and SLO import pages, the mirrors page and the search in reference frameworks, in a real browser,
checked with axe at desktop and phone widths."""
import json
import os
from pathlib import Path

import pytest

from tests.browser_fixtures import axe_violations, browser_login
from wt_curriculum.case import frameworks
from wt_curriculum.extensions import db

DATA = Path(__file__).parent / "data"
SLO = Path(__file__).parents[1] / "references" / "data" / "slo_kerndoelen.json"
SHOTS = os.environ.get("WT_SCREENSHOTS")


@pytest.fixture
def references(app, framework):
    """The seed goal framework, the reference frameworks and the seed crosswalk (as tests/references does)."""
    from wt_curriculum.references.seed import load_references, load_seed_crosswalk
    from wt_curriculum.seed import read_yaml

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    with app.app_context():
        load_references(db.session, read_yaml(seeds / "references.yaml"))
        load_seed_crosswalk(db.session, read_yaml(seeds / "framework.yaml"))
        db.session.commit()


def _look(page, tmp_path, name):
    """Accessible at both widths; screenshots kept where WT_SCREENSHOTS says (else in the test's folder)."""
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], (name, width)
        page.screenshot(path=str(Path(SHOTS or tmp_path) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.browser
def test_imports_search_and_mirrors_in_the_browser(live_server, page, factory, references, tmp_path, app):
    with app.app_context():
        data = json.loads((DATA / "foreign-draft-deep-1p1.json").read_text(encoding="utf-8"))
        key = frameworks.import_reference_package(db.session, data).key
        kept = frameworks.ReferenceFramework
        framework = db.session.query(kept).filter_by(key=key).one()
        framework.mirror_url = f"https://case.example.org/ims/case/v1p1/CFPackages/{data['CFDocument']['identifier']}"
        frameworks._record_version(db.session, framework, framework.mirror_url,
                                   frameworks.ReferenceReport(key, framework.title, created=True, added=["ESS"]))
        db.session.commit()
        framework_id = framework.id
    browser_login(page, live_server, factory.user("beheerder"))

    # Search from the list of frameworks; the result leads to the node in its tree.
    page.goto(f"{live_server}/referentiekaders")
    _look(page, tmp_path, "frameworks")
    page.get_by_label("Zoeken in de referentiekaders").fill("kd2006-po-42")
    with page.expect_navigation():
        page.get_by_role("button", name="Zoeken").click()
    assert page.get_by_role("heading", name="1 knoop gevonden").count() == 1
    _look(page, tmp_path, "search")
    with page.expect_navigation():
        page.get_by_role("link", name="KD2006-PO-42", exact=False).first.click()
    assert page.url.endswith("/referentiekaders/kd2006-po#node-KD2006-PO-42")
    # The framework page searches within itself.
    page.goto(f"{live_server}/referentiekaders/{key}")
    _look(page, tmp_path, "framework")
    page.get_by_label("Zoeken in dit kader").fill("ESS.L1.1")
    with page.expect_navigation():
        page.get_by_role("button", name="Zoeken").click()
    assert "Zoeken in Voorbeeldkader ESS" in page.get_by_role("heading", level=1).inner_text()

    # Part of the framework becomes draft goals of ours: a preview first, then confirmed.
    page.goto(f"{live_server}/referentiekaders/{key}")
    with page.expect_navigation():
        page.get_by_role("link", name="Overnemen als onze leerdoelen (ESS.L1.1)", exact=True).click()
    assert page.get_by_label("Code van de knoop").input_value() == "ESS.L1.1"
    page.get_by_label("In domein").select_option(label="MN · Mens & Natuur")
    page.get_by_label("groep 7").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Tonen wat er gemaakt zou worden").click()
    assert "4 conceptleerdoelen zouden gemaakt worden" in page.get_by_role("status").first.inner_text()
    _look(page, tmp_path, "adopt-preview")
    with page.expect_navigation():
        page.get_by_role("button", name="Deze conceptleerdoelen maken").click()
    assert "4 conceptleerdoelen zijn gemaakt uit ESS.L1.1." in page.locator(".flash").first.inner_text()

    # SLO's open data: the upload becomes a job whose page shows the report.
    page.goto(f"{live_server}/referentiekaders/import")
    _look(page, tmp_path, "slo-import")
    # The browser asks for a file itself (the server says so too: tests/references/test_search_and_upload.py).
    assert page.get_by_label("JSON-bestand met open data van SLO").get_attribute("required") is not None
    page.get_by_label("JSON-bestand met open data van SLO").set_input_files(str(SLO))
    with page.expect_navigation():
        page.get_by_role("button", name="Het bestand importeren").click()
    assert "/taken/" in page.url
    page.wait_for_selector(".job-message")
    assert "Gewijzigd: KD2006-PO-42 (officiële tekst toegevoegd)" in page.locator(".job-message").inner_text()
    _look(page, tmp_path, "slo-job")

    # A CASE package.
    page.goto(f"{live_server}/referentiekaders/case-import")
    _look(page, tmp_path, "case-import")
    page.get_by_label("CASE-pakket").set_input_files(str(DATA / "cycle-case-1p0.json"))
    page.get_by_role("button", name="Het pakket importeren").click()
    page.wait_for_selector(".job-message")
    assert "niet geïmporteerd" in page.locator(".job-message").inner_text()
    _look(page, tmp_path, "case-job-failed")

    # The mirrors: listed with their state and last report; a local address is refused at the field.
    page.goto(f"{live_server}/beheer/spiegels")
    assert page.locator(f"#mirror-{framework_id}").count() == 1
    page.locator(f"#mirror-{framework_id} summary").click()
    _look(page, tmp_path, "mirrors")
    page.get_by_label("Adres van het pakket").fill("http://127.0.0.1:1/ims/case/v1p1/CFPackages/abc")
    with page.expect_navigation():
        page.get_by_role("button", name="Dit kader spiegelen").click()
    assert "lokaal of privéadres" in page.locator(".field .error").inner_text()
    _look(page, tmp_path, "mirrors-refused")
