"""Smoke test: the app under gunicorn with several workers, as in production."""
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn_server(database_template, tmp_path, app, factory):
    """gunicorn with 2 workers on a free port, on the test's database; yields (base_url, user)."""
    user = factory.user("redacteur")
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "gunicorn-test-secret",
           "WT_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "WT_REQUIRE_2FA_FOR": ""}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log_path = tmp_path / "gunicorn.log"
    for _attempt in range(3):  # another test may take the free port between our check and gunicorn's bind
        port = free_port()
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                 "app:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        if _wait_until_healthy(process, base):
            break
        process.kill()
        process.wait()
    else:
        raise AssertionError("gunicorn did not start:\n" + log_path.read_text(errors="replace"))
    try:
        yield base, user
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output = log_path.read_text(errors="replace")
        assert "Traceback" not in output, output


def _wait_until_healthy(process, base: str) -> bool:
    """True when /healthz answers 200; False when gunicorn exits or 60 s pass (CI machines can be busy)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
                if response.status == 200:
                    return True
        except OSError:  # refused, reset or timed out while the workers start
            time.sleep(0.2)
    return False


def test_gunicorn_serves_login_and_pages(gunicorn_server):
    base, user = gunicorn_server
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_page = opener.open(base + "/inloggen", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', login_page)
    csrf = token.group(1) or token.group(2)
    data = urllib.parse.urlencode({"csrf_token": csrf, "email": user.email, "password": PASSWORD}).encode()
    home = opener.open(base + "/inloggen", data=data, timeout=30).read().decode()
    assert "Uitloggen" in home
    for path in ("/", "/account/wachtwoord", "/healthz"):
        with opener.open(base + path, timeout=30) as response:
            assert response.status == 200
    with pytest.raises(urllib.error.HTTPError) as error:
        opener.open(base + "/beheer/gebruikers", timeout=30)
    assert error.value.code == 403
