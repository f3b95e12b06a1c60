"""Job kinds for the queue's own tests: count with progress (slowly, if asked), write a record, fail on request.

Each run appends "job attempt worker" to the file `log`, so a test can tell who ran what, and how often.
"""
import time

from wt_curriculum.core.jobs import JobFailed, JobResult, job_task
from wt_curriculum.core.models import AuditEvent
from wt_curriculum.core.queue import worker_name


@job_task("tests.count")
def count(session, job, steps: int = 3, pause: float = 0.0, log: str = "", fail: str = "", record: bool = False):
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{job.id} {job.attempt} {worker_name()}\n")
    if record:  # a change of the work's own, committed together with "done" (or not at all)
        session.add(AuditEvent(action="test.count", entity_type="job", entity_id=job.id, summary=f"{steps}"))
        session.flush()
    for step in range(steps):
        time.sleep(pause)
        job.progress(step + 1, steps, "rows")
    if fail == "domain":
        raise JobFailed("Regel 3: onbekende groep")
    if fail == "crash":
        raise RuntimeError("a bug")
    return JobResult(message=f"Counted to {steps}.", data=f"counted {steps}".encode(), filename="count.txt",
                     mimetype="text/plain")
