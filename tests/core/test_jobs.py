"""Jobs: their states, sending on commit only, the per-user limit, shared jobs, cancel, the reaper, retention."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.core import job_kinds
from tests.queue_fixtures import job_row, wait_for
from wt_curriculum.core import file_store, jobs
from wt_curriculum.core.models import AuditEvent, Job
from wt_curriculum.core.queue import huey
from wt_curriculum.extensions import db


def submit(app, kind=job_kinds.count, user_id=None, key=None, language="nl", **params) -> int:
    """Submit a job in a request of the given language and commit; return its id."""
    with app.test_request_context(headers={"Accept-Language": language}):
        job = kind.submit(db.session, title="Tellen", user_id=user_id, key=key, **params)
        db.session.commit()
        return job.id


def test_a_job_runs_to_done_with_its_progress_result_and_file(app, factory):
    user = factory.user("leraar")
    job_id = submit(app, user_id=user.id, steps=4, record=True)
    row = job_row(app, job_id)
    assert (row.state, row.attempts, row.progress_done, row.progress_total, row.progress_unit) == (
        "done", 1, 4, 4, "rows")
    assert row.message == "Counted to 4." and row.result_name == "count.txt" and row.finished_at is not None
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert jobs.result_file(job) == b"counted 4"
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "test.count")) == 1  # the work's own change was committed with "done"


def test_a_job_that_cannot_be_done_says_why_and_a_crash_says_little(app, caplog):
    assert job_row(app, submit(app, fail="domain")).message == "Regel 3: onbekende groep"
    crashed = job_row(app, submit(app, fail="crash", record=True))
    assert crashed.state == "failed"
    assert crashed.message.startswith("Er ging iets mis")  # in the language of the request that sent it
    assert "a bug" not in crashed.message and "a bug" in caplog.text  # the cause is logged, not shown
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0  # the work was rolled back


def test_the_job_speaks_the_language_it_was_sent_in(app):
    assert job_row(app, submit(app, fail="crash", language="en")).message.startswith("Something went wrong")


def test_a_job_is_sent_only_when_its_transaction_commits(app, queue):
    with app.test_request_context():
        job_kinds.count.submit(db.session, title="Weg", steps=1)
        db.session.rollback()
        assert huey.pending_count() == 0
        job = job_kinds.count.submit(db.session, title="Blijft", steps=1)
        assert huey.pending_count() == 0  # not before the commit either
        db.session.commit()
        assert huey.pending_count() == 1
        assert db.session.scalar(select(func.count()).select_from(Job)) == 1
        assert job.state == "queued"


def test_a_user_has_at_most_so_many_jobs_in_preparation(app, queue, factory):
    app.config["JOBS_PER_USER"] = 2
    user, other = factory.user("leraar"), factory.user("leraar")
    first = submit(app, user_id=user.id)
    submit(app, user_id=user.id)
    with app.test_request_context(), pytest.raises(jobs.TooManyJobs) as refused:
        job_kinds.count.submit(db.session, title="Te veel", user_id=user.id)
    assert refused.value.status_code == 429
    assert "Je hebt al 2 taken in voorbereiding" in str(refused.value.message)
    submit(app, user_id=other.id)  # someone else is not held up
    with app.test_request_context():
        jobs.cancel(db.session, db.session.get(Job, first))
        db.session.commit()
    submit(app, user_id=user.id)  # a finished (here: cancelled) job no longer counts


def test_a_job_with_a_key_is_shared_while_it_is_active(app, queue):
    first = submit(app, key="framework-pdf-nl-7")
    assert submit(app, key="framework-pdf-nl-7") == first
    assert submit(app, key="framework-pdf-en-7") != first
    with app.app_context():
        db.session.execute(update(Job).where(Job.id == first).values(state="done"))
        db.session.commit()
    assert submit(app, key="framework-pdf-nl-7") != first


def test_a_queued_job_that_is_cancelled_is_never_run(app, queue):
    job_id = submit(app, steps=1)
    with app.test_request_context():
        jobs.cancel(db.session, db.session.get(Job, job_id))
        db.session.commit()
    with app.app_context():
        jobs.run_job(job_id)  # its message arrives at a consumer after all
    row = job_row(app, job_id)
    assert (row.state, row.attempts, row.message) == ("cancelled", 0, "Geannuleerd.")


def test_a_running_job_that_is_cancelled_stops_at_its_next_progress_report(app):
    app.config["JOBS_HEARTBEAT_SECONDS"] = 0.2

    def cancel_soon():  # the user presses "cancel" on another request while the job runs
        with app.app_context():
            wait_for(lambda: getattr(job_row(app, 1), "state", None) == "running", 10)
            db.session.execute(update(Job).where(Job.id == 1).values(cancel_requested=True))
            db.session.commit()
            db.session.remove()

    canceller = threading.Thread(target=cancel_soon)
    canceller.start()
    job_id = submit(app, steps=200, pause=0.05)
    canceller.join()
    row = job_row(app, job_id)
    assert row.state == "cancelled" and row.progress_done < 200 and row.message == "Geannuleerd."


def test_only_one_claim_of_a_job_wins(app, queue):
    job_id = submit(app)
    with app.app_context():
        first = jobs.claim(db.session, job_id)
        second = jobs.claim(db.session, job_id)
    assert first is not None and first.attempt == 1 and second is None


def test_a_consumer_that_lost_its_job_cannot_finish_it(app):
    """Presumed dead (its heartbeat was late), the job was sent again and claimed by another consumer: the
    first one's work and its "done" are dropped together."""

    @jobs.job_task("tests.overtaken")
    def overtaken(session, job):
        session.add(AuditEvent(action="test.overtaken", entity_type="job", entity_id=job.id))
        with db.engine.begin() as conn:  # meanwhile, the reaper and a second consumer
            conn.execute(update(Job).where(Job.id == job.id).values(attempts=Job.attempts + 1))
        return jobs.JobResult(message="done twice?")

    row = job_row(app, submit(app, kind=overtaken))
    assert row.state == "running" and row.attempts == 2 and row.message == ""  # the second claim's, untouched
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def _running(app, job_id, attempts, heartbeat_age, **values):
    with app.app_context():
        now = jobs.utcnow()
        db.session.execute(update(Job).where(Job.id == job_id).values(
            state="running", attempts=attempts, heartbeat_at=now - heartbeat_age, **values))
        db.session.commit()


def test_the_reaper_sends_a_dead_job_again_once_then_fails_it(app, queue):
    app.config["JOBS_LEASE_SECONDS"] = 60
    first, last, alive, cancelled = (submit(app, language=lang) for lang in ("nl", "en", "nl", "nl"))
    with app.app_context():
        huey.flush()  # forget the first messages: only what the reaper sends counts below
    _running(app, first, 1, timedelta(minutes=5))
    _running(app, last, 2, timedelta(minutes=5))
    _running(app, alive, 1, timedelta(seconds=10))
    _running(app, cancelled, 1, timedelta(minutes=5), cancel_requested=True)
    with app.test_request_context():
        counts = jobs.reap(db.session)
        db.session.commit()
    assert counts == {"retried": 1, "failed": 1, "cancelled": 1, "resent": 0}
    assert job_row(app, first).state == "queued" and huey.pending_count() == 1
    failed = job_row(app, last)
    assert failed.state == "failed" and failed.message.startswith("The work stopped before it was finished, twice")
    assert job_row(app, alive).state == "running"
    assert job_row(app, cancelled).state == "cancelled"
    with app.app_context():  # the message the reaper sent runs the job: second attempt, done
        message = huey.dequeue()
        huey.execute(message)
    row = job_row(app, first)
    assert (row.state, row.attempts) == ("done", 2)


def test_the_reaper_sends_again_a_queued_job_whose_message_was_lost(app, queue):
    job_id = submit(app)
    with app.app_context():
        huey.flush()
        db.session.execute(update(Job).where(Job.id == job_id).values(sent_at=jobs.utcnow() - timedelta(hours=1)))
        db.session.commit()
    with app.test_request_context():
        assert jobs.reap(db.session)["resent"] == 1
        db.session.commit()
    assert huey.pending_count() == 1


def test_a_job_whose_message_cannot_be_sent_stays_queued_for_the_reaper(app, queue, monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr(huey.storage, "enqueue", unreachable)
    job_id = submit(app)  # the request goes on: no error for the user
    assert job_row(app, job_id).state == "queued"
    assert "could not be sent" in caplog.text


def test_old_finished_jobs_are_removed(app, queue):
    old_done, new_done, old_queued = submit(app), submit(app), submit(app)
    with app.app_context():
        long_ago = jobs.utcnow() - timedelta(days=30)
        db.session.execute(update(Job).where(Job.id.in_([old_done, new_done])).values(
            state="done", finished_at=jobs.utcnow()))
        db.session.execute(update(Job).where(Job.id.in_([old_done, old_queued])).values(created_at=long_ago))
        db.session.execute(update(Job).where(Job.id == old_done).values(finished_at=long_ago))
        db.session.commit()
    with app.test_request_context():
        assert jobs.remove_old(db.session) == 1
        db.session.commit()
        assert set(db.session.scalars(select(Job.id))) == {new_done, old_queued}


def test_the_file_store_keeps_files_for_every_process(app, queue):
    """Written through one app, read through another (as a consumer and a web process would)."""
    from wt_curriculum import create_app

    with app.app_context():
        file_store.put("report-1", b"%PDF-1.7 ...")
    other = create_app({**{k: app.config[k] for k in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}, **queue.config})
    with other.app_context():
        assert file_store.get("report-1") == b"%PDF-1.7 ..."
        assert file_store.get("report-2") is None
        file_store.delete("report-1")
    with app.app_context():
        assert file_store.get("report-1") is None
    huey.init_app(app)  # the other app took the queue over; give it back


def test_the_worker_refuses_to_start_in_immediate_mode(runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code != 0 and "QUEUE_IMMEDIATE" in result.output


def test_the_periodic_tasks_reap_and_clean(app, queue):
    """The consumer's scheduler runs them every minute and every hour; here they run as it would run them."""
    from wt_curriculum.core import tasks

    app.config["JOBS_LEASE_SECONDS"] = 60
    job_id = submit(app)
    _running(app, job_id, 2, timedelta(minutes=5))
    with app.app_context():
        huey.execute(tasks.reap_jobs.s())
    assert job_row(app, job_id).state == "failed"
    with app.app_context():
        db.session.execute(update(Job).where(Job.id == job_id).values(
            finished_at=jobs.utcnow() - timedelta(days=30)))
        db.session.commit()
        huey.execute(tasks.remove_old_jobs.s())
        assert db.session.get(Job, job_id) is None


def test_the_backup_job_writes_a_backup_on_the_server(app, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        import shutil

        if shutil.which("pg_dump") is None:
            pytest.skip("pg_dump is not installed")
    from wt_curriculum.core import tasks

    row = job_row(app, submit(app, kind=tasks.backup))
    assert row.state == "done", row.message
    written = list((tmp_path / "backups").iterdir())
    assert len(written) == 1 and written[0].stat().st_size > 0
    assert str(written[0]) in row.message

