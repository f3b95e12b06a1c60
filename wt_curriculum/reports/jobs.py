"""Long reports made in the background: a thread of this process writes `<token>.pdf` and a small JSON
status file in the reports folder. The status lives in files, not in memory, so that whichever worker
process answers the next request can tell how the job is doing. Only the user who asked may fetch it.
"""
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale

RUNNING, DONE, FAILED = "running", "done", "failed"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_AGE_SECONDS = 24 * 60 * 60


def reports_folder(app: Flask | None = None) -> Path:
    app = app or current_app
    return Path(app.config.get("REPORTS_FOLDER") or Path(app.instance_path) / "reports")


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)  # atomic: a reader sees the old status or the new one, never half of it


def read_status(token: str) -> dict | None:
    if not TOKEN_PATTERN.match(token or ""):
        return None
    try:
        return json.loads((reports_folder() / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def pdf_path(token: str) -> Path:
    return reports_folder() / f"{token}.pdf"


def remove_old(folder: Path, now: float | None = None) -> int:
    """Delete report files older than a day; returns how many."""
    limit = (now or time.time()) - MAX_AGE_SECONDS
    removed = 0
    for path in folder.iterdir():
        if path.suffix in (".pdf", ".json", ".tmp") and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def start_job(user_id: int, title: str, filename: str, make_pdf: Callable[[], bytes]) -> str:
    """Start making a PDF in a background thread (in the caller's language); return the job's token.

    `make_pdf` runs inside a fresh request context of the app, so it may use the database session,
    url_for and the translations."""
    app = current_app._get_current_object()
    folder = reports_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    remove_old(folder)
    token = secrets.token_urlsafe(24)
    status = {"user_id": user_id, "title": str(title), "filename": filename, "state": RUNNING,
              "started": datetime.now(timezone.utc).isoformat()}
    _write_json(folder / f"{token}.json", status)
    from flask_babel import get_locale

    language = str(get_locale() or "nl")
    thread = threading.Thread(target=_run, args=(app, folder, token, status, language, make_pdf),
                              name=f"report-{token[:8]}", daemon=True)
    thread.start()
    return token


def _run(app: Flask, folder: Path, token: str, status: dict, language: str, make_pdf) -> None:
    started = time.monotonic()
    try:
        with app.test_request_context("/rapporten/"), force_locale(language):
            pdf = make_pdf()
        tmp = folder / f"{token}.pdf.tmp"
        tmp.write_bytes(pdf)
        os.replace(tmp, folder / f"{token}.pdf")
        status = {**status, "state": DONE, "seconds": round(time.monotonic() - started, 1)}
    except Exception:  # noqa: BLE001 - a failed job is reported on its page, never left running
        app.logger.exception("Background report %s failed", token)
        status = {**status, "state": FAILED}
    _write_json(folder / f"{token}.json", status)
