"""In a real browser: a network coordinator gets the network PDF from the report page (through its job page);
axe on the reports."""
import pytest

from tests.browser_fixtures import axe_violations, browser_login
from tests.reports.helpers import YEAR_LABEL, build_network


@pytest.mark.browser
def test_network_coordinator_downloads_the_network_pdf(app, live_server, page, factory):
    w = build_network(app, 2)
    user = factory.user("netwerkcoordinator", network_id=w.network_id)
    browser_login(page, live_server, user)

    page.goto(f"{live_server}/rapporten/netwerken/{w.network_id}/dekking?year={YEAR_LABEL}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Netwerkdekking 2026-2027")
    assert axe_violations(page) == []

    link = page.get_by_role("link", name="PDF downloaden")
    pdf_url = live_server + link.get_attribute("href")
    link.click()  # the queue makes it (at once, in the tests): the job's page offers the file
    page.wait_for_url(f"{live_server}/taken/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Netwerkdekking 2026-2027 · Netwerk Utrecht-Oost"
    assert axe_violations(page) == []
    with page.expect_download() as info:
        page.get_by_role("link", name="dekking-UO2-2026-2027.pdf downloaden").click()
    download = info.value
    assert download.suggested_filename == "dekking-UO2-2026-2027.pdf"
    with open(download.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    response = page.request.get(pdf_url)  # asked again, unchanged: straight from the PDF cache
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"

    for path in (f"/rapporten/scholen/{w.school_ids[0]}/dekking?year={YEAR_LABEL}",
                 f"/rapporten/scholen/{w.school_ids[0]}/cohort?start=2026-2027", "/rapporten/leerdoelenkader"):
        page.goto(f"{live_server}{path}")
        assert axe_violations(page) == [], path
