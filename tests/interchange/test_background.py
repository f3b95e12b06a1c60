"""Imports with more rows than IMPORTS_BACKGROUND_ROWS: the preview stays in the request (it only reads), the
confirmed import is applied by the task queue, all or nothing, with its rows as progress."""
from sqlalchemy import select

from tests.conftest import login_as
from tests.interchange.helpers import confirm, counts, read, token_of, upload
from tests.queue_fixtures import job_row, wait_for
from wt_curriculum.core import file_store
from wt_curriculum.extensions import db


def test_a_large_import_is_applied_by_a_job_of_its_user(app, client, login, world, import_folder):
    app.config["IMPORTS_BACKGROUND_ROWS"] = 1  # plans_new.csv has 2 rows
    user = login("coordinator", school_id=world["school"])
    before = counts(app)
    token = token_of(upload(client, "plans", read("plans_new.csv")))
    response = confirm(client, "plans", token)
    assert response.status_code == 303 and response.headers["Location"] == "/taken/1"
    job = job_row(app, 1)
    assert (job.user_id, job.kind, job.state) == (user.id, "interchange.import", "done")
    assert job.title == "Import van jaarplanningen: bestand.csv"
    assert (job.progress_done, job.progress_total, job.progress_unit) == (2, 2, "rows")
    assert counts(app)["plan_entry"] == before["plan_entry"] + 2
    page = client.get("/taken/1")
    assert "Import klaar: 2 toegevoegd, 0 gewijzigd, 0 ongewijzigd." in page.text
    assert 'href="/uitwisseling"' in page.text
    assert not list(import_folder.glob(f"{token}.*"))  # the waiting file is gone from the web machine ...
    with app.app_context():
        assert file_store.get(f"import-{token}") is None  # ... and from the file store once applied


def test_a_small_import_is_still_applied_in_the_request(app, client, login, world):
    login("coordinator", school_id=world["school"])
    response = confirm(client, "plans", token_of(upload(client, "plans", read("plans_new.csv"))))
    assert response.status_code == 302 and response.headers["Location"] == "/uitwisseling"
    with app.app_context():
        from wt_curriculum.core.models import Job

        assert db.session.scalar(select(Job.id)) is None


def test_a_large_import_whose_data_changed_since_the_preview_writes_nothing(app, client, login, factory, world):
    app.config["IMPORTS_BACKGROUND_ROWS"] = 1
    login("coordinator", school_id=world["school"])
    token = token_of(upload(client, "plans", read("plans_new.csv")))
    colleague = app.test_client()  # meanwhile a colleague imports the same rows
    login_as(colleague, app, factory.user("coordinator", school_id=world["school"]))
    confirm(colleague, "plans", token_of(upload(colleague, "plans", read("plans_new.csv"))))
    before = counts(app)
    assert confirm(client, "plans", token).status_code == 303
    job = job_row(app, 2)
    assert job.state == "failed" and job.message.startswith("De gegevens zijn veranderd na je voorbeeld")
    assert counts(app) == before


def test_a_consumer_applies_a_large_import_sent_through_the_file_store(app, client, login, world, consumers):
    """A real consumer: the file reaches it through the file store (Redis in the Redis pass), not the disk of
    the web machine."""
    app.config["IMPORTS_BACKGROUND_ROWS"] = 1
    login("coordinator", school_id=world["school"])
    before = counts(app)
    response = confirm(client, "plans", token_of(upload(client, "plans", read("plans_new.csv"))))
    assert response.status_code == 303
    consumers.start()
    row = wait_for(lambda: (r := job_row(app, 1)).state not in ("queued", "running") and r, 90, message="the import")
    assert row.state == "done", row.message
    assert counts(app)["plan_entry"] == before["plan_entry"] + 2
