"""The task queue: the one Huey instance of the app, and the consumer command `flask worker`.

Storage is chosen from the settings when the app is made: a SQLite file in the instance folder (no server
needed; `bin/run` starts one consumer beside the web server), or Redis when `REDIS_URL` is set, so that the
web and consumer processes of several machines share one queue. `QUEUE_IMMEDIATE` runs each task at once in
the process that sends it (for tests about a task's result, not about the queue).

Every task runs in an app context of the app that configured the queue (or the current one, in immediate
mode), so it may use `db.session`; it commits its own work. Long work for users is written as a job
(core/jobs.py: `job_task`), which adds durable state, progress, cancel and retry on top of a plain task.
"""
import logging
import os
import socket
import sys
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context
from flask.cli import with_appcontext
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

logger = logging.getLogger(__name__)


class AppHuey(Huey):
    """Huey bound to a Flask app: configured from its settings, running every task in its app context."""

    app: Flask | None = None
    _storage = None

    # The storage is made when it is first used: web processes that never send a task do not open the queue
    # (several gunicorn workers starting at once would each create the SQLite file's tables).
    @property
    def storage(self):
        if self._storage is None:
            self._storage = self.create_storage()
        return self._storage

    @storage.setter
    def storage(self, value):
        self._storage = value

    def init_app(self, app: Flask) -> None:
        config = app.config
        self.app = app
        self.name = config["QUEUE_NAME"]
        if config.get("REDIS_URL"):
            self.storage_class, self.storage_kwargs = RedisStorage, {"url": config["REDIS_URL"]}
        else:
            path = Path(config.get("QUEUE_FILE") or Path(app.instance_path) / "queue.sqlite3")
            path.parent.mkdir(parents=True, exist_ok=True)
            self.storage_class, self.storage_kwargs = SqliteStorage, {"filename": str(path)}
        if self._storage is not None:
            self._storage.close()
        self._immediate = _flag(config["QUEUE_IMMEDIATE"])
        self._storage = None
        app.extensions["huey"] = self

    def execute(self, task, timestamp=None):
        # In immediate mode the task runs inside the sender's request: use that app (tests make many apps).
        app = current_app._get_current_object() if has_app_context() else self.app
        if app is None:
            raise RuntimeError("the task queue is not configured: create the app first")
        with app.app_context():
            return super().execute(task, timestamp)


def _flag(value) -> bool:
    """A setting that is on or off, also when the environment spells it False, no, off or 0."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


# Made before any app exists, in immediate mode so that it touches no file until init_app configures it.
# Results are not stored: a job keeps its outcome in the database and its files in the file store.
huey = AppHuey("wt_curriculum", results=False, immediate=True)


def worker_name() -> str:
    """Who runs a job, for the job's record and the logs: host, process and thread."""
    import threading

    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


@click.command("worker")
@click.option("--workers", type=int, default=None, help="Jobs run at once (default: QUEUE_WORKERS).")
@click.option("--worker-type", type=click.Choice(["thread", "process"]), default=None,
              help="Threads share one process; processes give memory back after each job (default: QUEUE_WORKER_TYPE).")
@click.option("--no-periodic", is_flag=True, help="Do not start periodic tasks (run them on one machine only).")
@with_appcontext
def worker_command(workers, worker_type, no_periodic):
    """Run a consumer of the task queue: makes the reports, imports and backups that the web pages ask for."""
    app = current_app._get_current_object()
    if huey.immediate:
        raise click.ClickException("QUEUE_IMMEDIATE is on: tasks run where they are sent, there is nothing to consume.")
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    nice = int(app.config.get("QUEUE_NICE") or 0)
    if nice > 0:
        os.nice(nice)  # reports yield the CPU to the web server's requests
    parent = os.getpid()

    @huey.on_startup("wt-fork-safe")
    def _forget_parent_connections():
        # A worker process made by fork must not use the database connections of the process it came from.
        if os.getpid() != parent:
            from ..extensions import db

            with app.app_context():
                db.engine.dispose(close=False)

    from . import jobs

    @huey.on_startup("wt-reap")
    def _reap_at_start():
        # Jobs left running by a consumer that died are found at once, not at the next periodic round.
        jobs.reap_in_app(app)

    consumer = huey.create_consumer(
        workers=workers or int(app.config["QUEUE_WORKERS"]),
        worker_type=worker_type or app.config["QUEUE_WORKER_TYPE"],
        periodic=not no_periodic,
        check_worker_health=True,
    )
    storage = "Redis" if app.config.get("REDIS_URL") else huey.storage_kwargs["filename"]
    click.echo(f"Consumer of queue {huey.name!r} on {storage}; Ctrl-C stops it.", err=True)
    consumer.run()


def init_app(app: Flask) -> None:
    huey.init_app(app)
    app.cli.add_command(worker_command)
