"""Big network reports are made in the background: a page that refreshes itself, then the PDF for its owner."""
import json
import os
import time

import pytest

from tests.conftest import login_as
from tests.reports.helpers import YEAR_LABEL, build_network, fix_date, pdf_text


@pytest.fixture
def world(app, tmp_path, monkeypatch):
    fix_date(monkeypatch)
    app.config.update(REPORTS_FOLDER=str(tmp_path / "reports"), REPORTS_BACKGROUND_SCHOOLS=2)
    return build_network(app, 2)  # two planning schools and one without a plan: 3 > 2


def wait_until_done(client, location, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = client.get(location)
        if response.status_code != 202:
            return response
        assert 'http-equiv="refresh" content="3"' in response.text
        time.sleep(0.2)
    raise AssertionError("the background report did not finish")


def test_a_big_network_report_is_made_in_the_background_for_its_owner_only(app, client, factory, world, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    old = folder / ("o" * 32 + ".pdf")
    old.write_bytes(b"%PDF old")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    owner = login_as(client, app, factory.user("netwerkcoordinator", network_id=world.network_id))

    response = client.get(f"/rapporten/netwerken/{world.network_id}/dekking.pdf?year={YEAR_LABEL}")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/rapporten/taken/")
    assert not old.exists()  # files older than a day go when a new job starts

    page = wait_until_done(client, location)
    assert page.status_code == 200
    assert "Het rapport is klaar." in page.text
    response = client.get(f"{location}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "filename=dekking-UO2-2026-2027.pdf" in response.headers["Content-Disposition"]
    _, texts = pdf_text(response.data)
    assert "Netwerk Utrecht-Oost · Zonder Plan" in "\n".join(texts)
    status = json.loads((folder / (location.rsplit("/", 1)[1] + ".json")).read_text())
    assert status["user_id"] == owner.id and status["state"] == "done"

    # Another user of the same network may not see it, nor anyone else.
    for user in (factory.user("netwerkcoordinator", network_id=world.network_id), factory.user("beheerder")):
        other = app.test_client()
        login_as(other, app, user)
        assert other.get(location).status_code == 404
        assert other.get(f"{location}.pdf").status_code == 404
    anonymous = app.test_client().get(f"{location}.pdf")
    assert anonymous.status_code == 302 and "/inloggen" in anonymous.headers["Location"]


def test_a_running_job_page_refreshes_itself(app, client, login, world, tmp_path):
    user = login("beheerder")
    folder = tmp_path / "reports"
    folder.mkdir()
    token = "r" * 32
    (folder / f"{token}.json").write_text(json.dumps(
        {"user_id": user.id, "title": "Netwerkdekking", "filename": "x.pdf", "state": "running"}))
    response = client.get(f"/rapporten/taken/{token}")
    assert response.status_code == 202
    assert '<meta http-equiv="refresh" content="3">' in response.text
    assert "Het rapport wordt voorbereid" in response.text
    assert client.get(f"/rapporten/taken/{token}.pdf").status_code == 404  # not ready yet


def test_a_failed_job_says_so(app, client, login, world, monkeypatch):
    login("beheerder")

    def broken(*args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr("wt_curriculum.reports.views.render_pdf", broken)
    app.logger.disabled = True
    try:
        response = client.get(f"/rapporten/netwerken/{world.network_id}/dekking.pdf?year={YEAR_LABEL}")
        location = response.headers["Location"]
        page = wait_until_done(client, location)
    finally:
        app.logger.disabled = False
    assert page.status_code == 200 and "Het rapport kon niet worden gemaakt" in page.text


@pytest.mark.parametrize("token", ["../../etc/passwd", "short", "x" * 31 + "/"])
def test_malformed_tokens_are_not_found(client, login, world, token):
    login("beheerder")
    assert client.get(f"/rapporten/taken/{token}").status_code == 404
