"""Accounts: authentication with throttling, password rules, creating and changing users."""
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.hooks import Hook
from ..core.services import record_audit
from ..errors import Conflict, Problems, ValidationError
from . import sessions, throttle
from .models import SCHOOL_ROLES, Role, User

# Checked against, so that an unknown e-mail costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
COMMON_PASSWORDS = {
    "wachtwoord", "wachtwoord1", "wachtwoord123", "password", "password1", "password123",
    "welkom01", "welkom123", "1234567890", "qwertyuiop", "azertyuiop", "0123456789",
    "letmein123", "admin12345", "iloveyou12", "voetbal123", "zomer2026!", "school1234",
}


# Called as (session, user, actor) when an account is disabled; higher areas end what the account had
# (api: its tokens are revoked, so that enabling the account again does not bring them back).
user_disabled = Hook("auth.user_disabled")


class LoginThrottled(Exception):
    """Too many attempts from this address (for this account): try again in `seconds`."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_email(email: str) -> str:
    """The address, normalised; ValidationError when it cannot be an e-mail address."""
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(_l("This is not a valid e-mail address."), field="email") from None
    return email


def password_problems(password: str, email: str = "") -> list:
    """What is wrong with a new password, as messages for the user (empty when it is good)."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(_nl("Use at least %(n)s character.", "Use at least %(n)s characters.", minimum, n=minimum))
    if len(password) > 200:
        problems.append(_l("Use at most 200 characters."))
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        problems.append(_l("This password is too easy to guess."))
    local_part = normalise_email(email).split("@")[0]
    if local_part and len(local_part) >= 4 and local_part in lowered:
        problems.append(_l("The password must not contain your e-mail name."))
    return problems


def authenticate(session: Session, email: str, password: str, remote_addr: str) -> User | None:
    """The user with this e-mail and password, or None. Raises LoginThrottled after too many attempts.

    The answer never tells whether the account exists: unknown, disabled and wrong-password attempts look
    the same and count the same. Throttling counts per (account, address) and per address (throttle.py).
    """
    email = normalise_email(email)
    remote_addr = (remote_addr or "unknown")[:64]
    wait = throttle.attempt("login", [("LOGIN_LIMITS_PER_ACCOUNT_AND_ADDRESS", (email, remote_addr)),
                                      ("LOGIN_LIMITS_PER_ADDRESS", (remote_addr,))])
    if wait:
        raise LoginThrottled(wait)
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
    elif user.check_password(password) and user.active:
        throttle.clear("login", "LOGIN_LIMITS_PER_ACCOUNT_AND_ADDRESS", (email, remote_addr))
        user.last_login_at = datetime.now(UTC)
        return user
    return None


@dataclass
class UserData:
    email: str
    name: str
    role: str
    school_id: int | None = None
    network_id: int | None = None
    active: bool = True
    groepen_mask: int = 0  # teachers only: their own groepen


def _check_binding(data: UserData, problems: Problems) -> None:
    """School roles belong to one school, network coordinators to one network."""
    if data.role not in tuple(Role):
        problems.add(_l("Unknown role."), "role")
    if data.role in SCHOOL_ROLES and not data.school_id:
        problems.add(_l("Choose the school this user belongs to."), "school_id")
    if data.role == Role.NETWORK and not data.network_id:
        problems.add(_l("Choose the network this user coordinates."), "network_id")
    if data.role not in SCHOOL_ROLES:
        data.school_id = None
    if data.role != Role.NETWORK:
        data.network_id = None
    if data.role != Role.TEACHER:
        data.groepen_mask = 0


def check_new_user(session: Session, data: UserData, password: str) -> None:
    """Every problem of a new account at once (one ValidationError); normalises `data` as it goes."""
    problems = Problems()
    data.email = problems.check(check_email, data.email, default=normalise_email(data.email))
    _check_binding(data, problems)
    if not problems.has("email") and session.scalar(select(User.id).where(User.email == data.email)):
        problems.add(_l("There is already an account with this e-mail address."), "email")
    for message in password_problems(password, data.email):
        problems.add(message, "password")
    problems.raise_any()


def check_user_change(session: Session, user: User, data: UserData, actor: User) -> None:
    """Every problem of a change to an account at once (one ValidationError); normalises `data`."""
    problems = Problems()
    data.email = problems.check(check_email, data.email, default=normalise_email(data.email))
    _check_binding(data, problems)
    if not problems.has("email") and session.scalar(
            select(User.id).where(User.email == data.email, User.id != user.id)):
        problems.add(_l("There is already an account with this e-mail address."), "email")
    if user.id == actor.id and (not data.active or data.role != user.role):
        problems.add(_l("You cannot disable your own account or change your own role."), "role")
    problems.raise_any()


def create_user(session: Session, data: UserData, password: str, actor: User | None = None) -> User:
    """A new account with a checked password and a role bound to its school or network."""
    check_new_user(session, data, password)
    user = User(
        email=data.email, name=data.name.strip(), role=data.role, school_id=data.school_id,
        network_id=data.network_id, active=data.active, groepen_mask=data.groepen_mask,
    )
    user.set_password(password)
    session.add(user)
    session.flush()
    record_audit(session, actor, "user.create", "user", user.id, f"{user.email} ({user.role})")
    return user


USER_CONFLICT = _l("Someone else saved this account after you opened it. Reload the page to see their version, "
                   "then make your change again.")


def update_user(session: Session, user: User, data: UserData, actor: User,
                expected_version: int | None = None) -> User:
    """Change an account's name, role, binding or whether it may log in.

    Optimistic locking: with `expected_version` (the version the form was opened at), a version that moved on
    since raises Conflict; the version is claimed with one conditional UPDATE, so of two administrators saving
    at the same moment one wins and the other gets the Conflict.
    """
    if expected_version is not None and expected_version != user.version:
        raise Conflict(USER_CONFLICT)
    check_user_change(session, user, data, actor)
    _claim_version(session, user, USER_CONFLICT)
    was_active = user.active
    user.email, user.name, user.role = data.email, data.name.strip(), data.role
    user.school_id, user.network_id, user.active = data.school_id, data.network_id, data.active
    user.groepen_mask = data.groepen_mask
    session.flush()
    if was_active and not user.active:
        _disabled(session, user, actor)
    record_audit(session, actor, "user.update", "user", user.id,
                 json.dumps({"label": user.email, "role": user.role, "active": user.active}))
    return user


def _claim_version(session: Session, user: User, message) -> None:
    """The next version of the account, if nobody else took it first (the row stays locked until commit)."""
    claimed = session.execute(
        update(User).where(User.id == user.id, User.version == user.version).values(version=User.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise Conflict(message)
    set_committed_value(user, "version", user.version + 1)


def _disabled(session: Session, user: User, actor) -> None:
    """What a disabled account loses: every session, and (through the hook) its API tokens."""
    sessions.end_all_sessions(session, user.id)
    user_disabled(session, user, actor)
    session.flush()


def set_language(session: Session, user: User, language: str) -> None:
    """Remember the language a user chose: their pages on any browser, their notifications and e-mail."""
    if language not in current_app.config["LANGUAGES"]:
        raise ValidationError(_l("Choose one of the languages."))
    if user.language != language:
        user.language = language
        session.flush()


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def disable_user(session: Session, user: User, actor=None) -> bool:
    """Stop an account from logging in (its sessions end, its API tokens are revoked); False if it already was."""
    if not user.active:
        return False
    _claim_version(session, user, USER_CONFLICT)  # an account form opened before this would bring it back
    user.active = False
    session.flush()
    _disabled(session, user, actor)
    record_audit(session, actor, "user.disable", "user", user.id, user.email)
    return True


def enable_user(session: Session, user: User, actor=None) -> bool:
    """Let a disabled account log in again (with no sessions or tokens: those stay ended)."""
    if user.active:
        return False
    _claim_version(session, user, USER_CONFLICT)
    user.active = True
    session.flush()
    record_audit(session, actor, "user.enable", "user", user.id, user.email)
    return True


def set_password(session: Session, user: User, new: str, actor=None) -> None:
    """Give an account a new password (an administrator, or a reset link); every session of it ends."""
    problems = password_problems(new, user.email)
    if problems:
        raise ValidationError(" ".join(str(p) for p in problems), problems=[("password", p) for p in problems])
    user.set_password(new)
    sessions.end_all_sessions(session, user.id)
    session.flush()
    record_audit(session, actor, "user.set_password", "user", user.id, user.email)


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change one's own password; every other session of the user ends."""
    if not user.check_password(current):
        raise ValidationError(_l("Your current password is not correct."), field="current_password")
    problems = password_problems(new, user.email)
    if problems:
        raise ValidationError(" ".join(str(p) for p in problems), problems=[("new_password", p) for p in problems])
    user.set_password(new)
    sessions.end_all_sessions(session, user.id, keep_key=user.session_key)
    session.flush()
    record_audit(session, user, "user.password", "user", user.id, user.email)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.email)))
