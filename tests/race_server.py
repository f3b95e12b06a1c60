"""gunicorn with several workers on a test's database, for tests of simultaneous requests.

The app is loaded once and the workers forked from it (`--preload`; it holds no connection then), so all of
them answer within about a second. No control socket: parallel test servers would share its path. Afterwards
the server is killed (the test has its answers and the log is written as it goes) and its log must hold no
traceback and no "database is locked".
"""
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from tests.core.test_gunicorn import _wait_until_healthy, free_port
from wt_curriculum.extensions import db

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def race_server(app, log_path: Path, secret: str, workers: int = 4):
    """Yields the base URL of gunicorn with `workers` workers on `app`'s database."""
    with app.app_context():
        db.engine.dispose()  # the test process holds no connection while the server works (SQLite locks)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": secret,
           "WT_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "WT_REQUIRE_2FA_FOR": "",
           "WT_FOUR_EYES": "false"}  # as in the other tests: edits take effect at once
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with open(log_path, "wb") as log:  # a file, not a pipe: a full pipe would stall the workers
        process = subprocess.Popen(
            [str(gunicorn), "--preload", "--no-control-socket", "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        if not _wait_until_healthy(process, base):
            raise AssertionError("gunicorn did not answer /healthz within 60 s:\n" + log_path.read_text())
        yield base
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    output = log_path.read_text(errors="replace")
    assert "database is locked" not in output, output
    assert "Traceback" not in output, output
