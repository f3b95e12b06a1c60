"""Server-side sessions: every logged-in browser is a row in `user_session`, checked on every request.

The signed session cookie carries `<user id>:<secret>`; the table keeps the secret's SHA-256. Logging out
deletes the row, so a copied cookie stops working at once; so do "log out everywhere", a new password and a
disabled account (every row of the user). A session that has not been used for `SESSION_IDLE_MINUTES` or is
older than `PERMANENT_SESSION_LIFETIME` ends too.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from ..numbers import whole_or_none
from .models import User, UserSession


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(session: Session, user: User, user_agent: str = "") -> str:
    """A new session for the user; its secret (for the cookie) is also put on `user.session_key`."""
    key = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session.add(UserSession(user_id=user.id, key_hash=_hash(key), created_at=now, last_seen_at=now,
                            user_agent=(user_agent or "")[:200]))
    session.flush()
    user.session_key = key
    return key


def _expired(row: UserSession, now: datetime) -> bool:
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    return now - row.last_seen_at > idle or now - row.created_at > current_app.config["PERMANENT_SESSION_LIFETIME"]


# Built once: this runs on every logged-in request, and building the statement (and its cache key) cost more
# than running it.
_USER_OF_SESSION = (select(User, UserSession).join(UserSession, UserSession.user_id == User.id)
                    .where(UserSession.key_hash == bindparam("key_hash"), User.id == bindparam("user_id")))


def user_for_session(session: Session, value: str) -> tuple[User | None, bool]:
    """The user of the session cookie value `<id>:<secret>` (or None), and whether anything was changed
    that the caller should commit (the last-seen time, or an expired session removed)."""
    user_part, _, key = (value or "").partition(":")
    user_id = whole_or_none(user_part, 1)
    if user_id is None or not key:
        return None, False
    row = session.execute(_USER_OF_SESSION, {"key_hash": _hash(key), "user_id": user_id}).first()
    if row is None:
        return None, False
    user, user_session = row
    now = datetime.now(UTC)
    if not user.active or _expired(user_session, now):
        session.execute(delete(UserSession).where(UserSession.id == user_session.id))
        return None, True
    changed = False
    if now - user_session.last_seen_at > timedelta(seconds=current_app.config["SESSION_TOUCH_SECONDS"]):
        user_session.last_seen_at = now
        changed = True
    user.session_key = key
    return user, changed


def end_session(session: Session, user: User) -> None:
    """End the session this request belongs to."""
    if user.session_key:
        session.execute(delete(UserSession).where(UserSession.key_hash == _hash(user.session_key)))


def end_all_sessions(session: Session, user_id: int, keep_key: str | None = None) -> int:
    """End every session of the user (but the one with `keep_key`); how many were ended."""
    statement = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_key:
        statement = statement.where(UserSession.key_hash != _hash(keep_key))
    return session.execute(statement).rowcount


@dataclass
class SessionInfo:
    created_at: datetime
    last_seen_at: datetime
    user_agent: str
    current: bool


def sessions_of(session: Session, user: User) -> list[SessionInfo]:
    """The user's open sessions, newest use first (expired ones are left out)."""
    now = datetime.now(UTC)
    current = _hash(user.session_key) if user.session_key else None
    rows = session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.last_seen_at.desc())
    )
    return [SessionInfo(row.created_at, row.last_seen_at, row.user_agent, row.key_hash == current)
            for row in rows if not _expired(row, now)]


def remove_expired_sessions(session: Session) -> int:
    """Delete sessions that can no longer be used (run by the queue now and then)."""
    now = datetime.now(UTC)
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    return session.execute(delete(UserSession).where(
        (UserSession.last_seen_at < now - idle)
        | (UserSession.created_at < now - current_app.config["PERMANENT_SESSION_LIFETIME"])
    )).rowcount
