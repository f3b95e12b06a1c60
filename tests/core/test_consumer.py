"""Real consumers (`flask worker` processes) on the test's database, on each storage (SQLite file, Redis):
a consumer killed during a job, and two consumers that never run one job twice."""
from collections import Counter

from tests.core import job_kinds
from tests.queue_fixtures import job_row, wait_for
from wt_curriculum.core import jobs
from wt_curriculum.extensions import db

FAST_LEASE = {"JOBS_LEASE_SECONDS": 2, "JOBS_HEARTBEAT_SECONDS": 0.3}


def submit(app, **params) -> int:
    with app.test_request_context():
        job = job_kinds.count.submit(db.session, title="Tellen", **params)
        db.session.commit()
        return job.id


def runs(log) -> list[tuple[int, int]]:
    """(job, attempt) of every run the consumers started, from the log the test kind writes."""
    if not log.exists():
        return []
    return [(int(job), int(attempt)) for job, attempt, _ in (line.split(" ", 2) for line in log.read_text().split("\n")
                                                              if line)]


def running_with_progress(app, job_id, attempt):
    row = job_row(app, job_id)
    return row.state == "running" and row.attempts == attempt and row.progress_done >= 3


def heartbeat_expired(app, job_id, lease):
    row = job_row(app, job_id)
    return row.heartbeat_at is not None and (jobs.utcnow() - row.heartbeat_at).total_seconds() > lease + 0.5


def test_a_job_whose_consumer_is_killed_is_run_again_once_then_failed(app, consumers, tmp_path):
    log = tmp_path / "runs.log"
    first = consumers.start(**FAST_LEASE)
    job_id = submit(app, steps=60, pause=0.1, log=str(log))
    wait_for(lambda: running_with_progress(app, job_id, 1), 60, message="the first attempt to make progress")
    consumers.kill(first)  # kill -9 in the middle of the job

    wait_for(lambda: heartbeat_expired(app, job_id, FAST_LEASE["JOBS_LEASE_SECONDS"]), 30, message="the lease")
    assert job_row(app, job_id).state == "running"  # nobody knows yet
    second = consumers.start(**FAST_LEASE)  # finds the job at start-up, sends it again, runs it
    wait_for(lambda: running_with_progress(app, job_id, 2), 60, message="the second attempt")
    consumers.kill(second)  # and dies again

    wait_for(lambda: heartbeat_expired(app, job_id, FAST_LEASE["JOBS_LEASE_SECONDS"]), 30, message="the lease")
    consumers.start(**FAST_LEASE)
    row = wait_for(lambda: (r := job_row(app, job_id)).state != "running" and r, 60, message="the job to end")
    assert row.state == "failed" and row.attempts == 2
    assert row.message.startswith("Het werk is twee keer gestopt")
    assert runs(log) == [(job_id, 1), (job_id, 2)]  # never a third time


def test_a_job_whose_consumer_is_killed_once_is_finished_by_the_next(app, consumers, tmp_path):
    log = tmp_path / "runs.log"
    first = consumers.start(**FAST_LEASE)
    job_id = submit(app, steps=20, pause=0.1, log=str(log))
    wait_for(lambda: running_with_progress(app, job_id, 1), 60, message="progress")
    consumers.kill(first)
    wait_for(lambda: heartbeat_expired(app, job_id, FAST_LEASE["JOBS_LEASE_SECONDS"]), 30, message="the lease")
    consumers.start(**FAST_LEASE)
    row = wait_for(lambda: (r := job_row(app, job_id)).state == "done" and r, 60, message="done")
    assert row.attempts == 2 and row.progress_done == 20 and row.message == "Counted to 20."
    assert runs(log) == [(job_id, 1), (job_id, 2)]


def test_two_consumers_never_run_one_job(app, consumers, tmp_path):
    log = tmp_path / "runs.log"
    job_ids = [submit(app, steps=2, pause=0.05, log=str(log)) for _ in range(12)]
    for job_id in job_ids:  # every message twice, as after a lost acknowledgement or an eager reaper
        jobs.send(job_id, "tests.count")
    consumers.start(QUEUE_WORKERS=2)
    consumers.start(QUEUE_WORKERS=2)
    wait_for(lambda: all(job_row(app, j).state == "done" for j in job_ids), 90, message="every job done")
    seen = Counter(job for job, _ in runs(log))
    assert seen == Counter({job_id: 1 for job_id in job_ids})
    assert "Traceback" not in consumers.logs()
