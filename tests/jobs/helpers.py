"""Jobs in given states, written straight into the database (as a consumer would leave them)."""
from datetime import timedelta

from wt_curriculum.core import file_store, jobs
from wt_curriculum.core.models import Job
from wt_curriculum.extensions import db


def make_job(app, user_id, state="queued", title="Netwerkdekking 2026-2027", file: bytes | None = None,
             started_ago: timedelta = timedelta(seconds=30), **values) -> int:
    with app.app_context():
        now = jobs.utcnow()
        job = Job(kind="tests.count", title=title, user_id=user_id, state=state, language="nl", sent_at=now,
                  **values)
        if state != "queued":
            job.started_at, job.heartbeat_at, job.attempts = now - started_ago, now, 1
        if state in jobs.FINISHED:
            job.finished_at = now
        db.session.add(job)
        db.session.flush()
        if file is not None:
            job.result_key = f"test-job-{job.id}"
            file_store.put(job.result_key, file)
        db.session.commit()
        return job.id
