"""The job pages: progress while it runs (refreshing itself, no script), the file when done, the reason when
it failed, cancel, and the user's list of recent jobs. Nobody sees another user's job."""
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import login_as
from tests.core import job_kinds
from tests.jobs.helpers import make_job
from tests.queue_fixtures import job_row
from wt_curriculum.core.models import Job
from wt_curriculum.extensions import db


def test_a_queued_job_says_how_many_wait_before_it_and_refreshes_itself(app, client, login, factory):
    user = login("coordinator")
    someone = factory.user("leraar")
    make_job(app, someone.id)
    make_job(app, someone.id)
    job_id = make_job(app, user.id)
    response = client.get(f"/taken/{job_id}")
    assert response.status_code == 202 and response.headers["Refresh"] == "3"
    assert "Wacht" in response.text and "Er wachten nog 2 taken vóór deze." in response.text
    assert 'name="csrf_token"' in response.text and f'action="/taken/{job_id}/annuleren"' in response.text
    assert "<script" not in response.text


def test_a_running_job_shows_its_progress_and_what_is_left(app, client, login):
    user = login("netwerkcoordinator")
    job_id = make_job(app, user.id, state="running", progress_done=53, progress_total=212, progress_unit="pages",
                      started_ago=timedelta(seconds=30))
    response = client.get(f"/taken/{job_id}")
    assert response.status_code == 202 and response.headers["Refresh"] == "3"
    assert f'<progress id="progress-{job_id}" max="212" value="53">' in response.text
    assert "53 van 212 pagina&#39;s (25%)" in response.text
    assert "Nog ongeveer 2 minuten." in response.text  # 30 s for a quarter: 90 s to go, rounded


def test_progress_without_a_total_counts_what_is_done(app, client, login):
    user = login("beheerder")
    job_id = make_job(app, user.id, state="running", progress_done=1, progress_unit="rows")
    response = client.get(f"/taken/{job_id}")
    assert f'<progress id="progress-{job_id}">1 regel</progress>' in response.text


def test_a_done_job_offers_its_file_and_stops_refreshing(app, client, login):
    user = login("coordinator")
    job_id = make_job(app, user.id, state="done", file=b"%PDF-1.7 report", message="212 pagina's.",
                      result_name="dekking-UO2-2026-2027.pdf", result_type="application/pdf",
                      result_url="/rapporten/netwerken/1/dekking")
    page = client.get(f"/taken/{job_id}")
    assert page.status_code == 200 and "Refresh" not in page.headers
    assert "Klaar" in page.text and "212 pagina&#39;s." in page.text
    assert f'href="/taken/{job_id}/bestand"' in page.text and "dekking-UO2-2026-2027.pdf downloaden" in page.text
    assert 'href="/rapporten/netwerken/1/dekking"' in page.text
    download = client.get(f"/taken/{job_id}/bestand")
    assert download.status_code == 200 and download.data == b"%PDF-1.7 report"
    assert download.mimetype == "application/pdf" and "no-store" in download.headers["Cache-Control"]
    assert 'filename=dekking-UO2-2026-2027.pdf' in download.headers["Content-Disposition"]


def test_a_done_job_whose_file_expired_says_so(app, client, login):
    user = login("coordinator")
    job_id = make_job(app, user.id, state="done", result_key="gone-long-ago", result_name="x.pdf")
    page = client.get(f"/taken/{job_id}")
    assert "Het bestand wordt niet meer bewaard." in page.text and "/bestand" not in page.text
    assert client.get(f"/taken/{job_id}/bestand").status_code == 404


def test_a_failed_job_says_why(app, client, login):
    user = login("beheerder")
    job_id = make_job(app, user.id, state="failed", message="Regel 12: onbekende school 99XX00.")
    page = client.get(f"/taken/{job_id}")
    assert page.status_code == 200 and "Refresh" not in page.headers
    assert ('<p role="alert" class="job-message"><span class="badge job-failed">Mislukt</span> '
            'Regel 12: onbekende school 99XX00.' in page.text)
    assert client.get(f"/taken/{job_id}/bestand").status_code == 404


def test_cancel_stops_a_queued_job_and_asks_a_running_one_to_stop(app, client, login):
    user = login("leraar")
    queued = make_job(app, user.id)
    running = make_job(app, user.id, state="running")
    response = client.post(f"/taken/{queued}/annuleren")
    assert response.status_code == 303 and response.headers["Location"] == f"/taken/{queued}"
    assert job_row(app, queued).state == "cancelled"
    client.post(f"/taken/{running}/annuleren")
    row = job_row(app, running)
    assert row.state == "running" and row.cancel_requested  # the consumer stops it at its next report
    assert "Wordt gestopt: je hebt deze taak geannuleerd." in client.get(f"/taken/{running}").text


def test_my_jobs_lists_the_users_own_jobs_newest_first(app, client, login, factory):
    user = login("coordinator")
    other = factory.user("coordinator")
    make_job(app, user.id, state="done", title="Dekking 2025-2026")
    make_job(app, user.id, state="running", title="Cohort 2019-2020", progress_done=3, progress_total=10,
             progress_unit="pages")
    make_job(app, other.id, title="Van iemand anders")
    page = client.get("/taken")
    assert page.status_code == 200 and page.headers["Refresh"] == "6"  # something is still running
    assert page.text.index("Cohort 2019-2020") < page.text.index("Dekking 2025-2026")
    assert "3 van 10 pagina&#39;s (30%)" in page.text and "Van iemand anders" not in page.text
    assert 'href="/taken"' in page.text  # the link in the user box


def test_my_jobs_does_not_refresh_when_nothing_runs(app, client, login):
    user = login("coordinator")
    make_job(app, user.id, state="failed", message="x")
    page = client.get("/taken")
    assert "Refresh" not in page.headers
    empty = app.test_client()
    login_as(empty, app, login("leraar"))
    assert "Je hebt nog geen rapporten, imports of back-ups gestart." in empty.get("/taken").text


def test_another_users_job_does_not_exist_for_you(app, client, login, factory):
    login("beheerder")
    theirs = make_job(app, factory.user("leraar").id, state="done", file=b"secret")
    for path in (f"/taken/{theirs}", f"/taken/{theirs}/bestand"):
        assert client.get(path).status_code == 404
    assert client.post(f"/taken/{theirs}/annuleren").status_code == 404
    assert job_row(app, theirs).state == "done"


def test_a_job_made_by_the_queue_is_shown_as_it_ended(app, client, login):
    """The whole way in immediate mode: sent in a request of the user, run, shown with its file."""
    user = login("coordinator")
    with app.test_request_context():
        job = job_kinds.count.submit(db.session, title="Tellen", user_id=user.id, steps=5)
        db.session.commit()
        job_id = job.id
    page = client.get(f"/taken/{job_id}")
    assert "Counted to 5." in page.text
    assert client.get(f"/taken/{job_id}/bestand").data == b"counted 5"
    with app.app_context():
        assert db.session.scalar(select(Job.progress_done).where(Job.id == job_id)) == 5
