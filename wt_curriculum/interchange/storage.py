"""Uploaded files kept between the preview and the confirmation, under instance/imports/<random token>.

The confirmation form carries only the token: the file stays on the server, tied to the user who
uploaded it and to the kind of import, and is removed after it is applied or after an hour.
"""
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..errors import NotFound
from ..tables import MAX_BYTES, copy_limited

MAX_AGE = 3600  # seconds
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass
class Pending:
    token: str
    user_id: int
    kind: str
    filename: str
    created: float
    digest: str = ""
    rows: int = 0  # rows of the checked file: a large import is applied by the task queue


def folder() -> Path:
    path = Path(current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _paths(token: str) -> tuple[Path, Path]:
    base = folder()
    return base / f"{token}.upload", base / f"{token}.json"


def sweep(now: float | None = None) -> None:
    """Remove the files of imports that were never confirmed within the hour."""
    now = now or time.time()
    for path in folder().glob("*.*"):
        try:
            if now - path.stat().st_mtime > MAX_AGE:
                path.unlink()
        except FileNotFoundError:
            pass


def store(stream, filename: str, kind: str, user_id: int) -> Pending:
    """Copy the upload to disk (ReadError past MAX_BYTES, nothing kept then) and return its token."""
    sweep()
    token = secrets.token_urlsafe(24)
    data_path, meta_path = _paths(token)
    try:
        with data_path.open("wb") as target:
            copy_limited(stream, target, MAX_BYTES)
    except BaseException:
        data_path.unlink(missing_ok=True)
        raise
    name = re.sub(r"[^\w.\- ]+", "_", os.path.basename(filename or ""))[:100]
    pending = Pending(token, user_id, kind, name, time.time())
    _write_meta(pending)
    return pending


def _write_meta(pending: Pending) -> None:
    _, meta_path = _paths(pending.token)
    meta_path.write_text(json.dumps(pending.__dict__))


def set_digest(pending: Pending, digest: str, rows: int = 0) -> None:
    pending.digest, pending.rows = digest, rows
    _write_meta(pending)


def load(token: str, kind: str, user_id: int) -> tuple[Pending, bytes]:
    """The pending import for this user and kind; NotFound when it has gone (applied, expired, someone else's)."""
    gone = NotFound(_l("This import is no longer waiting for confirmation (it was applied, or more than an hour "
                       "has passed). Upload the file again."))
    if not TOKEN.match(token or ""):
        raise gone
    data_path, meta_path = _paths(token)
    try:
        pending = Pending(**json.loads(meta_path.read_text()))
        raw = data_path.read_bytes()
    except (OSError, ValueError, TypeError):
        raise gone from None
    if pending.user_id != user_id or pending.kind != kind or time.time() - pending.created > MAX_AGE:
        raise gone
    if len(raw) > MAX_BYTES:
        raise gone
    return pending, raw


def discard(token: str) -> None:
    if TOKEN.match(token or ""):
        for path in _paths(token):
            path.unlink(missing_ok=True)
