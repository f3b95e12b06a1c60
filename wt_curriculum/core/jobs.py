"""Jobs: long work for a user (a PDF, an import, a backup), done by the task queue, its state in the database.

    queued ──claim──▶ running ──▶ done | failed | cancelled
       ▲                 │
       └──── reaper ─────┘  (heartbeat silent for JOBS_LEASE_SECONDS: sent again, at most JOBS_MAX_ATTEMPTS)

An area declares its work with `@job_task("area.name")` on a function `work(session, job, **params)` that
returns a `JobResult` (or None) and may call `job.progress(done, total, unit)`. A view calls
`kind.submit(db.session, title=..., user_id=..., **params)` and commits; the queue message (the job's id) is
sent when that transaction commits, so a consumer never sees a job that was rolled back.

Claiming is one conditional UPDATE (queued → running, attempts + 1), so two consumers never run one job;
finishing is conditional on the same attempt, in the same transaction as the work's own changes, so a
consumer that was presumed dead and lost its job cannot finish it as well.
"""
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import Flask, current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..errors import DomainError, NotFound
from ..extensions import db
from . import file_store
from .models import Job
from .queue import huey, worker_name

logger = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
ACTIVE = (QUEUED, RUNNING)
FINISHED = (DONE, FAILED, CANCELLED)
# A queued job whose message may have been lost (the queue was unreachable when it was sent) is sent again
# after this long; a second message for one job is harmless, only one claim can win.
RESEND_AFTER = timedelta(minutes=15)
PENDING = "wt_jobs_to_send"

STOPPED_TWICE = _l("The work stopped before it was finished, twice (the server was restarted or ran out of "
                   "memory). Try again later; if it happens again, tell your administrator.")
FAILED_MESSAGE = _l("Something went wrong while doing this. The error has been logged; try again in a moment.")
CANCELLED_MESSAGE = _l("Cancelled.")


class TooManyJobs(DomainError):
    status_code = 429


class JobFailed(DomainError):
    """The work cannot be done, for a reason the user can read (raise it with a translated message)."""


class JobCancelled(Exception):
    """The user cancelled the job: the work stops at its next progress report."""


class JobLost(Exception):
    """The job is no longer this consumer's: it was taken to be dead and the job was sent again."""


@dataclass
class JobResult:
    """What a job made: a message for the user, and optionally a file (bytes to store, or the key of a file
    already in the file store) and a page to look at."""

    message: str = ""
    data: bytes | None = None
    key: str | None = None
    filename: str = ""
    mimetype: str = ""
    url: str = ""


@dataclass(frozen=True)
class JobKind:
    name: str
    work: Callable
    task: Callable

    def submit(self, session: Session, /, *, title: str, user_id: int | None = None, key: str | None = None,
               **params) -> Job:
        return submit(session, self, title=title, user_id=user_id, key=key, **params)


KINDS: dict[str, JobKind] = {}


def job_task(name: str):
    """Make `work(session, job, **params)` a kind of job; params must be JSON (ids, strings, numbers)."""

    def decorator(work: Callable) -> JobKind:
        @huey.task(name=name)
        def task(job_id: int):
            run_job(job_id)

        kind = KINDS[name] = JobKind(name, work, task)
        return kind

    return decorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# --- Sending -------------------------------------------------------------------------------------
def submit(session: Session, kind: JobKind, /, *, title: str, user_id: int | None = None, key: str | None = None,
           **params) -> Job:
    """Queue a job (sent when the session commits). A job with a `key` is shared: while one with the same
    key is queued or running, that one is returned. A user has at most JOBS_PER_USER jobs queued or running."""
    from ..i18n import current_language

    config = current_app.config
    if key is not None:
        running = session.scalar(select(Job).where(Job.key == key, Job.state.in_(ACTIVE)).limit(1))
        if running is not None:
            return running
    if user_id is not None:
        limit = int(config["JOBS_PER_USER"])
        active = session.scalar(select(func.count()).select_from(Job).where(
            Job.user_id == user_id, Job.state.in_(ACTIVE)))
        if active >= limit:
            raise TooManyJobs(ngettext(
                "You already have %(num)s job in preparation. Wait until it is ready, or cancel it.",
                "You already have %(num)s jobs in preparation. Wait until one is ready, or cancel one.",
                active))
    job = Job(kind=kind.name, title=str(title)[:300], user_id=user_id, key=key, params=json.dumps(params),
              language=current_language(), state=QUEUED, max_attempts=int(config["JOBS_MAX_ATTEMPTS"]),
              sent_at=utcnow())
    session.add(job)
    session.flush()
    session.info.setdefault(PENDING, []).append((job.id, kind.name))
    return job


def send(job_id: int, kind_name: str) -> None:
    kind = KINDS.get(kind_name)
    if kind is None:
        logger.error("job %s: no task %r is registered (is its area's tasks module imported?)", job_id, kind_name)
        return
    try:
        kind.task(job_id)
    except Exception:  # noqa: BLE001 - the reaper sends a queued job again; the request must not fail for it
        logger.exception("job %s could not be sent to the queue; it is sent again later", job_id)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    for job_id, kind_name in session.info.pop(PENDING, None) or ():
        send(job_id, kind_name)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


# --- Running -------------------------------------------------------------------------------------
class JobContext:
    """What the work sees of its job: its id and parameters, and `progress()` to report how far it is."""

    def __init__(self, job_id: int, attempt: int, kind: str, params: dict, language: str, user_id: int | None = None):
        self.id, self.attempt, self.kind, self.params, self.language = job_id, attempt, kind, params, language
        self.user_id = user_id  # who started it (None for shared and system jobs)
        self.done, self.total, self.unit = 0, None, ""
        self.cancelled = self.lost = False
        self.changed = True
        self._lock = threading.Lock()

    def progress(self, done: int, total: int | None = None, unit: str | None = None) -> None:
        """Say how far the work is (`unit`: "pages", "rows", ...); stops the work if it was cancelled."""
        with self._lock:
            self.done = done
            if total is not None:
                self.total = total
            if self.total is not None and self.done > self.total:
                self.total = self.done  # an estimate that was too low
            if unit is not None:
                self.unit = unit
            self.changed = True
        self.check()

    def check(self) -> None:
        if self.lost:
            raise JobLost
        if self.cancelled:
            raise JobCancelled

    def snapshot(self) -> tuple[int, int | None, str]:
        with self._lock:
            self.changed = False
            return self.done, self.total, self.unit


class Heartbeat(threading.Thread):
    """Writes the job's heartbeat and progress on a connection of its own (the work may hold a long
    transaction) and reads whether the job was cancelled or taken away."""

    def __init__(self, engine: Engine, context: JobContext, seconds: float):
        super().__init__(name=f"heartbeat-{context.id}", daemon=True)
        self.engine, self.context, self.seconds = engine, context, seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        last = 0.0
        while not self.stopping.wait(min(1.0, self.seconds)):
            if self.context.changed or time.monotonic() - last >= self.seconds:
                last = time.monotonic()
                self.beat()

    def beat(self) -> None:
        context = self.context
        done, total, unit = context.snapshot()
        table = Job.__table__
        try:
            with self.engine.begin() as conn:
                row = conn.execute(
                    update(table).where(table.c.id == context.id, table.c.state == RUNNING,
                                        table.c.attempts == context.attempt)
                    .values(heartbeat_at=utcnow(), progress_done=done, progress_total=total, progress_unit=unit)
                    .returning(table.c.cancel_requested)).first()
        except Exception:  # noqa: BLE001 - a busy database: the next beat tries again, the lease is long
            logger.warning("job %s: heartbeat not written", context.id, exc_info=True)
            return
        if row is None:
            context.lost = True
        elif row.cancel_requested:
            context.cancelled = True

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)


@dataclass
class _Claim:
    id: int
    kind: str
    params: dict
    language: str
    attempt: int
    user_id: int | None


def claim(session: Session, job_id: int) -> _Claim | None:
    """Take a queued job for this consumer (commits); None when it is not queued (any more)."""
    now = utcnow()
    result = session.execute(
        update(Job).where(Job.id == job_id, Job.state == QUEUED)
        .values(state=RUNNING, attempts=Job.attempts + 1, worker=worker_name()[:200], started_at=now,
                heartbeat_at=now, progress_done=0)
        .returning(Job.kind, Job.params, Job.language, Job.attempts, Job.user_id),
        execution_options={"synchronize_session": False}).first()
    session.commit()
    if result is None:
        return None
    return _Claim(job_id, result.kind, json.loads(result.params or "{}"), result.language, result.attempts,
                  result.user_id)


def run_job(job_id: int) -> None:
    """Claim the job, run its work with a heartbeat, and record how it ended (the consumer calls this)."""
    app = current_app._get_current_object()
    session = db.session
    taken = claim(session, job_id)
    if taken is None:
        logger.info("job %s is not queued (done, cancelled or taken by another consumer): skipped", job_id)
        return
    kind = KINDS.get(taken.kind)
    context = JobContext(taken.id, taken.attempt, taken.kind, taken.params, taken.language, taken.user_id)
    heartbeat = Heartbeat(db.engine, context, float(app.config["JOBS_HEARTBEAT_SECONDS"]))
    heartbeat.start()
    try:
        with app.test_request_context(), force_locale(taken.language):
            _run(session, kind, taken, context)
    finally:
        heartbeat.stop()


def _run(session: Session, kind: JobKind | None, taken: _Claim, context: JobContext) -> None:
    try:
        if kind is None:
            raise RuntimeError(f"no task {taken.kind!r} is registered")
        result = kind.work(session, context, **taken.params) or JobResult()
        context.check()
        key = result.key
        if result.data is not None:
            key = key or f"job-{taken.id}-{taken.attempt}"
            file_store.put(key, result.data)
        done, total, unit = context.snapshot()
        finished = session.execute(
            update(Job).where(Job.id == taken.id, Job.state == RUNNING, Job.attempts == taken.attempt)
            .values(state=DONE, finished_at=utcnow(), heartbeat_at=utcnow(), message=str(result.message),
                    result_key=key, result_name=result.filename[:200], result_type=result.mimetype[:100],
                    result_url=result.url[:500], progress_done=total if total is not None else done,
                    progress_total=total, progress_unit=unit),
            execution_options={"synchronize_session": False})
        if finished.rowcount != 1:
            raise JobLost
        session.commit()  # the work's own changes and "done" together
    except JobLost:
        session.rollback()
        logger.warning("job %s attempt %s was taken over by another consumer; its work is dropped",
                       taken.id, taken.attempt)
    except JobCancelled:
        session.rollback()
        _end(session, taken, CANCELLED, str(CANCELLED_MESSAGE))
    except DomainError as error:  # a rule the user can act on (a bad import file, ...): say which
        session.rollback()
        _end(session, taken, FAILED, str(error.message))
    except Exception:  # noqa: BLE001 - logged for the administrator; the user gets a plain message
        session.rollback()
        logger.exception("job %s (%s) failed", taken.id, taken.kind)
        _end(session, taken, FAILED, str(FAILED_MESSAGE))


def _end(session: Session, taken: _Claim, state: str, message: str) -> None:
    session.execute(
        update(Job).where(Job.id == taken.id, Job.state == RUNNING, Job.attempts == taken.attempt)
        .values(state=state, message=message, finished_at=utcnow()),
        execution_options={"synchronize_session": False})
    session.commit()


# --- Watching over ---------------------------------------------------------------------------------
def reap(session: Session, now: datetime | None = None) -> dict[str, int]:
    """Find running jobs whose heartbeat stopped: send them again, or fail them after their last attempt;
    send again queued jobs whose message may have been lost. Flushes; the queue is told on commit."""
    config = current_app.config
    now = now or utcnow()
    cutoff = now - timedelta(seconds=int(config["JOBS_LEASE_SECONDS"]))
    dead = (Job.state == RUNNING) & (Job.heartbeat_at < cutoff)
    options = {"synchronize_session": False}
    cancelled = session.execute(update(Job).where(dead, Job.cancel_requested.is_(True))
                                .values(state=CANCELLED, finished_at=now, message=str(CANCELLED_MESSAGE)),
                                execution_options=options).rowcount
    failed = 0
    for language in config["LANGUAGES"]:  # the message in each job's own language: one statement each
        with force_locale(language):
            message = str(STOPPED_TWICE)
        failed += session.execute(update(Job).where(dead, Job.attempts >= Job.max_attempts,
                                                    Job.language == language)
                                  .values(state=FAILED, finished_at=now, message=message),
                                  execution_options=options).rowcount
    failed += session.execute(update(Job).where(dead, Job.attempts >= Job.max_attempts)
                              .values(state=FAILED, finished_at=now, message=str(STOPPED_TWICE)),
                              execution_options=options).rowcount
    retried = session.execute(update(Job).where(dead, Job.attempts < Job.max_attempts)
                              .values(state=QUEUED, worker="", sent_at=now).returning(Job.id, Job.kind),
                              execution_options=options).all()
    resent = session.execute(update(Job).where(Job.state == QUEUED, Job.sent_at < now - RESEND_AFTER)
                             .values(sent_at=now).returning(Job.id, Job.kind),
                             execution_options=options).all()
    session.info.setdefault(PENDING, []).extend((row.id, row.kind) for row in (*retried, *resent))
    if retried or failed or cancelled:
        logger.warning("jobs whose consumer stopped: %s sent again, %s failed, %s cancelled",
                       len(retried), failed, cancelled)
    return {"retried": len(retried), "failed": failed, "cancelled": cancelled, "resent": len(resent)}


def reap_in_app(app: Flask) -> None:
    with app.app_context():
        try:
            reap(db.session)
            db.session.commit()
        except Exception:  # noqa: BLE001 - the periodic round tries again
            db.session.rollback()
            logger.exception("reaping stale jobs failed")


def remove_old(session: Session, now: datetime | None = None) -> int:
    """Delete finished jobs older than JOBS_KEEP_DAYS (their files expire in the file store by themselves)."""
    days = int(current_app.config["JOBS_KEEP_DAYS"])
    limit = (now or utcnow()) - timedelta(days=days)
    return session.execute(delete(Job).where(Job.state.in_(FINISHED), Job.finished_at < limit),
                           execution_options={"synchronize_session": False}).rowcount


# --- What users see and do -----------------------------------------------------------------------
def job_of_user(session: Session, job_id: int, user_id: int) -> Job:
    """The user's own job; NotFound for anyone else's, as if it did not exist."""
    job = session.get(Job, job_id)
    if job is None or job.user_id != user_id:
        raise NotFound(_l("There is no such job."))
    return job


def jobs_of_user(session: Session, user_id: int, limit: int = 20) -> list[Job]:
    """The user's most recent jobs, newest first."""
    return list(session.scalars(select(Job).where(Job.user_id == user_id)
                                .order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)))


def cancel(session: Session, job: Job) -> None:
    """Cancel a queued job at once; ask a running one to stop (it stops at its next progress report)."""
    if job.state == QUEUED:
        with force_locale(job.language):
            job.state, job.finished_at, job.message = CANCELLED, utcnow(), _("Cancelled.")
    elif job.state == RUNNING:
        job.cancel_requested = True
    session.flush()


def result_file(job: Job) -> bytes | None:
    """The file a done job made, while the file store keeps it."""
    if job.state != DONE or not job.result_key:
        return None
    return file_store.get(job.result_key)


@dataclass(frozen=True)
class JobOverview:
    """For the administrator's start page: jobs waiting or running now, and those that failed lately."""

    queued: int
    running: int
    failed: int  # finished as failed in the last `days` days
    days: int
    recent_failures: list[Job]


def job_overview(session: Session, days: int = 7, limit: int = 5) -> JobOverview:
    """Counts per state (one grouped query) and the latest failures (one query)."""
    since = utcnow() - timedelta(days=days)
    counts = dict(session.execute(
        select(Job.state, func.count()).where(
            (Job.state.in_(ACTIVE)) | ((Job.state == FAILED) & (Job.finished_at >= since)))
        .group_by(Job.state)).all())
    failures = list(session.scalars(select(Job).where(Job.state == FAILED, Job.finished_at >= since)
                                    .order_by(Job.finished_at.desc(), Job.id.desc()).limit(limit)))
    return JobOverview(counts.get(QUEUED, 0), counts.get(RUNNING, 0), counts.get(FAILED, 0), days, failures)
