"""The task queue in tests: real storages (a SQLite file, and Redis with TEST_REDIS_URL) and real consumers.

Most tests run tasks in immediate mode (BASE_CONFIG), where the result is what matters. Tests about the
queue itself take `queue` (parametrized over the storages: the app's queue is reconfigured to a real one)
and start consumers with `consumers.start()`: `flask worker` in a process of its own, on the test's database
and queue. Redis is skipped with a notice where TEST_REDIS_URL is not set, and required in CI; each test uses
a queue name (and key prefix) of its own, so parallel suites on one Redis never meet.
"""
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
# The queue's storage does not depend on the app's database: the SQLite pass tries both storages, the
# PostgreSQL pass only Redis, as a national installation runs them (it saves the CI budget a minute).
STORAGES = ["redis"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite", "redis"]


def _redis_or_skip() -> str:
    if TEST_REDIS_URL:
        return TEST_REDIS_URL
    if os.environ.get("CI"):
        pytest.fail("CI must test the Redis storage: set TEST_REDIS_URL (.ci/run does)")
    pytest.skip("TEST_REDIS_URL is not set: the Redis storage is not tested here")


@dataclass
class Queue:
    storage: str
    config: dict

    def env(self) -> dict:
        """The settings as WT_ variables, for a consumer or web process (values as Flask parses them: JSON)."""
        return {f"WT_{name}": value if isinstance(value, str) else json.dumps(value)
                for name, value in self.config.items() if value is not None}


@pytest.fixture(params=STORAGES)
def queue_storage(request) -> str:
    return request.param


@pytest.fixture
def queue(app, queue_storage, tmp_path):
    """The app's queue on a real storage (no more immediate mode); the file store on the same kind."""
    from wt_curriculum.core import file_store
    from wt_curriculum.core.queue import huey

    name = f"wt_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    config = {"QUEUE_IMMEDIATE": False, "QUEUE_NAME": name, "FILE_STORE_FOLDER": str(tmp_path / "files"),
              "REDIS_URL": None, "QUEUE_FILE": str(tmp_path / "queue.sqlite3")}
    if queue_storage == "redis":
        config["REDIS_URL"] = _redis_or_skip()
    app.config.update(config)
    app.extensions.pop(file_store.EXTENSION, None)
    huey.init_app(app)
    yield Queue(queue_storage, config)
    if queue_storage == "redis":
        import redis

        client = redis.Redis.from_url(config["REDIS_URL"])
        keys = [*client.scan_iter(f"huey.*.{name}*"), *client.scan_iter(f"{name}:*")]
        if keys:
            client.delete(*keys)
        client.close()
    app.config["QUEUE_IMMEDIATE"] = True
    huey.init_app(app)


@dataclass
class Consumers:
    """Consumer processes (`flask worker` of tests/core/queue_app.py) on the test's database and queue."""

    app: object
    queue: Queue
    tmp_path: Path
    processes: list = field(default_factory=list)

    def start(self, **settings) -> subprocess.Popen:
        from wt_curriculum.extensions import db

        with self.app.app_context():
            db.engine.dispose()  # no connection of ours stays open while consumers work (SQLite locks)
        env = {**os.environ, **self.queue.env(), "SECRET_KEY": "consumer-test-secret", "WT_QUEUE_NICE": "0",
               "WT_SQLALCHEMY_DATABASE_URI": self.app.config["SQLALCHEMY_DATABASE_URI"],
               **{f"WT_{k}": str(v) for k, v in settings.items()}}
        env.pop("DATABASE_URL", None)
        log = self.tmp_path / f"consumer-{len(self.processes) + 1}.log"
        with log.open("wb") as out:  # a file, not a pipe: a full pipe would stall the consumer
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "tests.core.queue_app", "worker"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        process.log = log
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """As the kernel's OOM killer or a power cut would: no chance to clean up."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(p.log.read_text(errors="replace") for p in self.processes)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


@pytest.fixture
def consumers(app, queue, tmp_path):
    started = Consumers(app, queue, tmp_path)
    yield started
    started.stop_all()


def wait_for(condition, seconds: float = 60, pause: float = 0.1, message: str = "condition"):
    """Poll `condition()` until it returns something true; return that."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(pause)
    raise AssertionError(f"waited {seconds} s for {message}")


def job_row(app, job_id: int):
    """The job as the database has it now (a fresh session), as a plain row; None before it exists."""
    from sqlalchemy import select

    from wt_curriculum.core.models import Job
    from wt_curriculum.extensions import db

    with app.app_context():
        row = db.session.execute(select(Job.__table__).where(Job.id == job_id)).first()
        db.session.remove()
        return row
