"""Goal-page throughput while network PDFs are being made, next to the same without them.

gunicorn (2 workers) and one queue consumer (`flask worker`, the default settings: one job at a time, at a
lower CPU priority) run on the benchmark database, with a queue and file store of their own in a temporary
folder. Each round measures the anonymous goal page with wrk twice: once with nothing in the queue, once
right after three network PDF jobs were sent and the first has started: the 200-school benchmark network's
report for the three latest school years (different parameters, so none is served from another's PDF; the PDF
cache is emptied first, so that an earlier round cannot serve them either); then it waits until the three are
done, so that the next round starts idle again. Each step is told on stderr as it happens. The medians of the
rounds are reported, with the median of the rounds' ratios (target: at least 0.8) and, per round, whether PDFs
were being made during the whole measurement.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.8


def _wrk(url: str, seconds: int) -> float | None:
    output = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", url], capture_output=True, text=True,
                            timeout=seconds + 60).stdout
    return next((float(line.split()[1]) for line in output.splitlines() if line.startswith("Requests/sec")), None)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own local server
            return response.status == 200
    except OSError:
        return False


def _say(message: str) -> None:
    print(f"[pdf-load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _submit(app, network_id: int, year: int) -> int:
    from wt_curriculum.extensions import db
    from wt_curriculum.reports.tasks import report_pdf

    with app.test_request_context():
        job = report_pdf.submit(db.session, title="bench", report="network",
                                params={"network_id": network_id, "year": year}, filename="bench.pdf")
        db.session.commit()
        return job.id


def _states(app, job_ids: list[int]) -> dict[int, tuple]:
    from sqlalchemy import select

    from wt_curriculum.core.models import Job
    from wt_curriculum.extensions import db

    with app.app_context():
        rows = db.session.execute(select(Job.id, Job.state, Job.started_at, Job.finished_at, Job.progress_done)
                                  .where(Job.id.in_(job_ids))).all()
        db.session.remove()
    return {row.id: row for row in rows}


def _wait(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise RuntimeError(f"waited {seconds} s for {what}")


def throughput_while_making_pdfs(database_url: str, subjects: dict, rounds: int = 3, seconds: int = 10,
                                 pdfs: int = 3) -> dict:
    if not shutil.which("wrk"):
        return {"error": "wrk is not installed (bin/setup bench)"}
    from bench.run import free_port
    from wt_curriculum import create_app

    folder = Path(tempfile.mkdtemp(prefix="wt-bench-queue-"))
    settings = {"QUEUE_FILE": str(folder / "queue.sqlite3"), "FILE_STORE_FOLDER": str(folder / "files")}
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench",
           **{f"WT_{k}": v for k, v in settings.items()}}
    env.pop("WT_REDIS_URL", None)
    app = create_app({**settings, "QUEUE_IMMEDIATE": False, "REDIS_URL": None})
    port = free_port()
    logs = open(folder / "servers.log", "wb")  # noqa: SIM115 - open for as long as the servers run
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "--workers", "2", "--bind",
                               f"127.0.0.1:{port}", "--log-level", "warning", "app:app"],
                              cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT)
    consumer = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"],
                                cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/doelen/{subjects['goal']}"
    try:
        _wait(lambda: _answers(url), 60, "gunicorn")
        _wrk(url, 3)  # warm both workers' caches
        latest = int(subjects["year"].split("-")[0])
        years = [latest - i for i in range(pdfs)]
        idle, busy, per_round = [], [], []
        for number in range(1, rounds + 1):
            for made in (folder / "files").glob("*"):  # no PDF of an earlier round may come from the cache
                made.unlink()
            idle.append(_wrk(url, seconds))
            _say(f"round {number} of {rounds}: goal page {idle[-1]} req/s with nothing queued; sending {pdfs} PDFs")
            job_ids = [_submit(app, subjects["network_id"], year) for year in years]
            _wait(lambda ids=job_ids: any(s.state == "running" for s in _states(app, ids).values()), 120,
                  "the first PDF to start")
            busy.append(_wrk(url, seconds))
            _say(f"round {number}: goal page {busy[-1]} req/s while the PDFs are made; waiting for them")
            during = _states(app, job_ids)
            overlapped = all(s.state != "done" for s in during.values()) or any(
                s.state == "running" for s in during.values())
            _wait(lambda ids=job_ids: all(s.state in ("done", "failed") for s in _states(app, ids).values()),
                  900, "the PDFs to be made")
            done = _states(app, job_ids)
            _say(f"round {number}: PDFs {', '.join(sorted(s.state for s in done.values()))}")
            per_round.append({
                "idle": idle[-1], "with_pdfs": busy[-1], "pdfs_running_throughout": overlapped,
                "pdf_states": sorted(s.state for s in done.values()),
                "pdf_seconds": [round((s.finished_at - s.started_at).total_seconds(), 1) for s in done.values()
                                if s.finished_at and s.started_at],
            })
        idle_rps, busy_rps = statistics.median(idle), statistics.median(busy)
        # Each round's two measurements are minutes apart at most: their ratio is less disturbed by other load
        # on the machine than the ratio of the two medians.
        ratio = round(statistics.median(b / i for b, i in zip(busy, idle, strict=True) if i and b), 2)
        return {"goal page req/s, nothing queued": idle_rps, "goal page req/s, 3 network PDFs": busy_rps,
                "ratio": ratio, "target": TARGET_RATIO, "met": bool(ratio and ratio >= TARGET_RATIO),
                "rounds": per_round}
    finally:
        for process in (consumer, server):
            process.terminate()
        for process in (consumer, server):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()
        with app.app_context():
            from wt_curriculum.extensions import db

            db.engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)
