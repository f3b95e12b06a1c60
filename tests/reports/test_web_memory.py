"""The web worker's memory does not grow when a user gets a PDF: gunicorn (one worker) beside a real queue
consumer, a network PDF asked for over HTTP, the worker's resident memory read from /proc before and after.
The same with the PDF made in the request (REPORTS_BACKGROUND_SCHOOLS high) shows what the test would catch."""
import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.core.test_gunicorn import _wait_until_healthy, free_port
from tests.reports.helpers import YEAR_LABEL, build_network

# The same on every database (the web worker's memory while the queue makes a PDF): the PostgreSQL pass leaves it out.
pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parents[2]
SCHOOLS = 40


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


class Visitor:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str):
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.status, response.geturl(), response.read()

    def login(self, email: str) -> None:
        _, _, page = self.get("/inloggen")
        csrf = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
        data = urllib.parse.urlencode({"csrf_token": csrf, "email": email, "password": PASSWORD}).encode()
        with self.opener.open(self.base + "/inloggen", data=data, timeout=60) as response:
            assert b"Uitloggen" in response.read()

    def pdf(self, path: str) -> bytes:
        """The PDF as a browser gets it: straight away, or via the job page that refreshes until it is done."""
        status, url, body = self.get(path)
        deadline = time.monotonic() + 180
        while status == 202 and time.monotonic() < deadline:  # the job page, while the job runs
            time.sleep(0.5)
            status, url, body = self.get(urllib.parse.urlsplit(url).path)
        if not body.startswith(b"%PDF"):
            link = re.search(rb'href="(/taken/\d+/bestand)"', body)
            assert link, body[:2000]
            _, _, body = self.get(link.group(1).decode())
        assert body.startswith(b"%PDF")
        return body


def worker_growth(app, queue, consumers, tmp_path, user, world, **settings) -> float:
    """MB the one gunicorn worker grew while its user got the network PDF (after warming up)."""
    from wt_curriculum.extensions import db

    with app.app_context():
        db.engine.dispose()
    env = {**os.environ, **queue.env(), "SECRET_KEY": "memory-test-secret",
           "WT_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "WT_REQUIRE_2FA_FOR": "",
           "WT_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
           **{f"WT_{k}": str(v) for k, v in settings.items()}}
    env.pop("DATABASE_URL", None)
    port = free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    with log.open("wb") as out:
        server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "--workers", "1", "--bind",
                                   f"127.0.0.1:{port}", "app:app"], cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        assert _wait_until_healthy(server, base), log.read_text()
        (worker,) = children(server.pid)
        visitor = Visitor(base)
        visitor.login(user.email)
        report = f"/rapporten/netwerken/{world.network_id}/dekking"
        for _ in range(3):  # warm up: the HTML report, the job pages, the templates
            visitor.get(f"{report}?year={YEAR_LABEL}")
            visitor.get("/taken")
        before = rss_mb(worker)
        visitor.pdf(f"{report}.pdf?year={YEAR_LABEL}")
        visitor.pdf(f"{report}.pdf?year=2025-2026")  # a second, different PDF
        return rss_mb(worker) - before
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize("queue_storage", ["sqlite"])
def test_the_web_worker_does_not_grow_when_a_user_gets_a_pdf(app, factory, queue, consumers, tmp_path):
    world = build_network(app, SCHOOLS)
    user = factory.user("netwerkcoordinator", network_id=world.network_id)
    consumers.start()
    growth = worker_growth(app, queue, consumers, tmp_path, user, world)
    assert growth < 15, f"the web worker grew {growth:.0f} MB"
    # Made in the request instead, the same PDFs grow the worker: the measurement can tell.
    in_request = worker_growth(app, queue, consumers, tmp_path, user, world, REPORTS_BACKGROUND_SCHOOLS=1000,
                               FILE_STORE_FOLDER=str(tmp_path / "other-files"))
    assert in_request > 40, f"made in the request, the PDFs grew the worker only {in_request:.0f} MB"
