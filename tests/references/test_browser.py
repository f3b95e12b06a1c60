"""The reference framework page and the crosswalk edit page in a real browser, checked with axe."""
import pytest

from tests.browser_fixtures import axe_violations, browser_login


@pytest.mark.browser
def test_framework_and_crosswalk_pages_are_accessible(live_server, page, factory, references):
    editor = factory.user("redacteur")
    browser_login(page, live_server, editor)

    page.goto(f"{live_server}/referentiekaders/kd2025-po")
    assert page.get_by_role("heading", level=1).inner_text() == "Kerndoelen primair onderwijs (herzien, 2025)"
    assert axe_violations(page) == []

    page.goto(f"{live_server}/doelen/MN.1.1/kruistabel")
    # A bad code shows an error at the field, and the page stays accessible.
    page.get_by_label("Referentiekader").select_option("kd2025-po")
    page.get_by_label("Code of UUID").fill("KD2025-PO-99Z")
    with page.expect_navigation():
        page.get_by_role("button", name="Koppeling toevoegen").click()
    assert "heeft geen knoop KD2025-PO-99Z" in page.locator(".error").first.inner_text()
    assert axe_violations(page) == []
    # A good one is added and listed.
    page.get_by_label("Code of UUID").fill("KD2025-PO-32A")
    with page.expect_navigation():
        page.get_by_role("button", name="Koppeling toevoegen").click()
    assert page.locator("tr", has_text="KD2025-PO-32A").count() == 1
    assert axe_violations(page) == []


@pytest.mark.browser
def test_a_deep_foreign_framework_is_shown_as_a_tree(live_server, page, factory, references, tmp_path):
    import json
    from pathlib import Path

    from wt_curriculum.case.frameworks import import_reference_package
    from wt_curriculum.extensions import db

    data = json.loads((Path(__file__).parents[1] / "case" / "data" / "foreign-draft-deep-1p1.json").read_text())
    with factory.app.app_context():
        key = import_reference_package(db.session, data).key
        db.session.commit()
    browser_login(page, live_server, factory.user("redacteur"))
    page.goto(f"{live_server}/referentiekaders")
    assert page.get_by_role("link", name="Voorbeeldkader ESS", exact=True).count() >= 1
    page.goto(f"{live_server}/referentiekaders/{key}")
    assert page.get_by_role("heading", level=1).inner_text() == "Voorbeeldkader ESS"
    assert "concept" in page.locator("dl.meta").inner_text()
    items = page.locator("ul.reference-tree > li")
    codes = [items.nth(i).get_attribute("id") for i in range(4)]
    assert codes == ["node-ESS", "node-ESS.S.2", "node-ESS.S.1", "node-ESS.L1.1"]
    assert page.locator("#node-ESS\\.L1\\.1\\.x\\.x\\.x\\.x\\.x").count() == 1
    assert axe_violations(page) == []
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"foreign-{width}.png"), full_page=True)
