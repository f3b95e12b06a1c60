"""In a real browser: a running job's page refreshes itself until the job is done, then offers the file;
axe finds nothing serious on the job pages."""
import pytest
from sqlalchemy import update

from tests.browser_fixtures import axe_violations, browser_login
from tests.jobs.helpers import make_job
from wt_curriculum.core import file_store
from wt_curriculum.core.models import Job
from wt_curriculum.extensions import db


@pytest.mark.browser
def test_the_job_page_refreshes_until_the_file_is_ready(app, live_server, page, factory):
    user = factory.user("netwerkcoordinator")
    running = make_job(app, user.id, state="running", progress_done=40, progress_total=212, progress_unit="pages")
    make_job(app, user.id, state="failed", title="Import jaarplanningen", message="Regel 3: onbekende groep 9.")
    make_job(app, user.id, title="Cohort 2019-2020")
    browser_login(page, live_server, user)

    page.goto(f"{live_server}/taken/{running}")
    assert page.get_by_role("heading", level=1).inner_text() == "Netwerkdekking 2026-2027"
    assert "40 van 212 pagina's (18%)" in page.locator(".job-progress").inner_text()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert axe_violations(page) == []

    with app.app_context():  # meanwhile the consumer finishes the job
        file_store.put("browser-job", b"%PDF-1.7 klaar")
        db.session.execute(update(Job).where(Job.id == running).values(
            state="done", result_key="browser-job", result_name="dekking.pdf", result_type="application/pdf",
            message="Het PDF-bestand heeft 212 pagina's."))
        db.session.commit()
    link = page.get_by_role("link", name="dekking.pdf downloaden")
    link.wait_for(timeout=15_000)  # the page refreshed itself (Refresh header, no script)
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), "rb") as f:
        assert f.read() == b"%PDF-1.7 klaar"

    page.goto(f"{live_server}/taken")
    assert page.get_by_role("link", name="Import jaarplanningen").is_visible()
    assert axe_violations(page) == []
