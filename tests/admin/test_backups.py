"""An administrator starts a backup in the web pages: the task queue makes it, the page lists it."""
import shutil

import pytest

from tests.queue_fixtures import job_row


def test_an_administrator_makes_a_backup_through_the_queue(app, client, login, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    admin = login("beheerder")
    page = client.get("/beheer/back-ups")
    assert page.status_code == 200 and "Er staan nog geen back-ups op de server." in page.text
    assert 'name="csrf_token"' in page.text
    response = client.post("/beheer/back-ups")
    assert response.status_code == 303 and response.headers["Location"] == "/taken/1"
    job = job_row(app, 1)
    assert (job.kind, job.user_id, job.state, job.title) == ("core.backup", admin.id, "done", "Back-up van de database")
    (made,) = (tmp_path / "backups").iterdir()
    assert made.stat().st_size > 0 and made.name in job.message
    assert made.name in client.get("/beheer/back-ups").text


def test_a_backup_that_fails_says_why_on_its_job_page(app, client, login, monkeypatch):
    from wt_curriculum.core.backup import BackupError

    def broken(*args):
        raise BackupError("the disk is full")

    monkeypatch.setattr("wt_curriculum.core.backup.backup", broken)
    login("beheerder")
    client.post("/beheer/back-ups")
    job = job_row(app, 1)
    assert job.state == "failed" and job.message == "De back-up kon niet worden gemaakt: the disk is full"
