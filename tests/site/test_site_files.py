"""The favicon, and `bin/run`: it says where to go and how to log in, and takes --port."""
import os
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_favicon_answers_and_every_page_names_it(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=604800" in icon.headers["Cache-Control"]
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in page and 'href="/static/favicon.svg" type="image/svg+xml"' in page
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data


def _run(*args):
    return subprocess.run([str(ROOT / "bin" / "run"), *args], capture_output=True, text=True, timeout=30)


def test_bin_run_refuses_a_bad_port_before_it_sets_anything_up():
    for bad in (["--port", "abc"], ["--port=0"], ["--port", "70000"], ["--port"]):
        result = _run(*bad)
        assert result.returncode == 2, bad
        assert "--port" in result.stderr
    assert _run("--wat").returncode == 2
    usage = _run("--help")
    assert usage.returncode == 0 and "--port PORT" in usage.stdout


def test_bin_run_prints_the_address_and_the_demo_logins():
    text = (ROOT / "bin" / "run").read_text()
    assert 'echo "  wt_curriculum runs on:  http://127.0.0.1:${port}/"' in text
    assert '--port "$port"' in text and "instance/demo-logins.txt" in text
    assert "--logins-file instance/demo-logins.txt" in (ROOT / "bin" / "setup").read_text()


def test_seed_writes_the_new_demo_logins_for_bin_run(runner, tmp_path):
    logins = tmp_path / "instance" / "demo-logins.txt"
    first = runner.invoke(args=["seed", "--demo", "--logins-file", str(logins)])
    assert first.exit_code == 0, first.output
    lines = logins.read_text().splitlines()
    assert len(lines) == 5 and lines[0].startswith("Demo account beheerder@example.org (beheerder): password ")
    assert stat.S_IMODE(os.stat(logins).st_mode) == 0o600
    assert all(line in first.output for line in lines)
    again = runner.invoke(args=["seed", "--demo", "--logins-file", str(logins)])
    assert again.exit_code == 0 and logins.read_text().splitlines() == lines  # passwords unchanged: file kept
