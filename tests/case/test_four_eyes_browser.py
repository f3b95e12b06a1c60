"""In a real browser: a CASE restore proposed on the command line waits on the editor's page; the second editor
reads its report in Dutch (what it creates, updates and notes) and approves it. axe at desktop and phone widths;
screenshots kept where WT_SCREENSHOTS says (else in the test's folder)."""
import json
import os
from pathlib import Path

import pytest

from tests.browser_fixtures import axe_violations, browser_login
from tests.objectives.helpers import goal_state
from wt_curriculum.case import services
from wt_curriculum.extensions import db

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("WT_SCREENSHOTS")


def test_the_second_editor_reads_a_case_restore_in_dutch_and_approves_it(live_server, page, app, runner, factory,
                                                                          framework, tmp_path):
    app.config["FOUR_EYES"] = True
    first, second = factory.user("redacteur"), factory.user("redacteur")
    with app.app_context():
        package = services.export_package(db.session, "https://wt.example.org")
    item = next(i for i in package["CFItems"] if i["humanCodingScheme"] == "DG.1.1")
    item["fullStatement"] = "Een nieuwe titel uit CASE"
    for other in package["CFItems"][:3]:
        other["CFDocumentURI"] = {"identifier": services.DOCUMENT_UUID}  # seen in the wild: ignored, with a note
    path = tmp_path / "kader.json"
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["case", "import", str(path), "--editor", first.email])
    assert result.exit_code == 0 and "note: ignored item field CFDocumentURI: 3" in result.output, result.output

    browser_login(page, live_server, second)
    page.goto(f"{live_server}/doelen/redactie")
    queue = page.locator(".approval-queue")
    assert "CASE-import van het kader: kader.json" in queue.inner_text()
    queue.get_by_text("Wat de import doet: 0 toegevoegd, 1 gewijzigd").click()
    lines = queue.locator(".import-lines li").all_inner_texts()
    assert lines[0].startswith("CASE 1.1-pakket: 0 aangemaakt, 1 bijgewerkt, ")
    assert lines[1:] == ["leerdoel DG.1.1 bijgewerkt", "opmerking: itemveld CFDocumentURI genegeerd, in 3 items"]
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], width
        page.screenshot(path=str(Path(SHOTS or tmp_path) / f"approval-case-import-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        queue.get_by_role("button", name="Goedkeuren").click()
    assert "De wijziging is goedgekeurd en doorgevoerd." in page.content()
    assert goal_state(app, "DG.1.1")["title"] == "Een nieuwe titel uit CASE"
