"""Password reset links: made by an administrator or asked for by the user, single use, expiring.

The secret is in the link only; the table keeps its SHA-256. Using a link sets the new password, ends every
session of the account and makes the account's other links useless. Asking for a link never tells whether
the address has an account: the answer is the same, only the mail differs (there is none).
"""
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..core.mail import queue_mail
from ..core.services import record_audit
from ..core.urls import public_url
from ..errors import NotFound, ValidationError
from . import services
from .models import PasswordReset, User


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_reset(session: Session, user: User, actor: User | None = None) -> str:
    """A new link's secret for the user (an administrator's lasts longer than one the user asked for)."""
    if not user.active:
        raise ValidationError(_l("This account is disabled: enable it first."), field="active")
    now = datetime.now(UTC)
    config = current_app.config
    lifetime = (timedelta(hours=config["PASSWORD_RESET_ADMIN_HOURS"]) if actor is not None
                else timedelta(minutes=config["PASSWORD_RESET_MINUTES"]))
    secret = secrets.token_urlsafe(32)
    session.add(PasswordReset(user_id=user.id, secret_hash=_hash(secret), created_at=now, expires_at=now + lifetime,
                              created_by_id=actor.id if actor is not None else None))
    session.flush()
    record_audit(session, actor, "user.reset_link", "user", user.id, user.email)
    return secret


def reset_link(secret: str) -> str:
    return public_url("auth.reset_password", secret=secret)


def mail_reset(user: User, secret: str, by_admin: bool = False) -> bool:
    """Send the link to the account's address (through the queue); False when no mail server is set."""
    text = "\n\n".join([
        _("Hello %(name)s,", name=user.name),
        _("An administrator made a link for you to set a new password. Open it to choose one:") if by_admin else
        _("Someone (probably you) asked to set a new password for your account. Open this link to choose one:"),
        reset_link(secret),
        _("The link works once. If you did not ask for it, you can ignore this mail: your password stays the same."),
    ]) + "\n"
    return queue_mail(user.email, _("Set a new password"), text)


def request_reset(session: Session, email: str) -> None:
    """A user forgot their password: mail a link if the address belongs to an active account.

    Says nothing either way, and sends at most one mail per account per interval (no mail bombing).
    """
    user = services.user_by_email(session, email)
    if user is None or not user.active:
        return
    interval = timedelta(minutes=current_app.config["PASSWORD_RESET_MAIL_INTERVAL_MINUTES"])
    recent = session.scalar(select(func.count()).select_from(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.created_by_id.is_(None),
        PasswordReset.created_at > datetime.now(UTC) - interval))
    if recent:
        return
    mail_reset(user, create_reset(session, user))


def valid_reset(session: Session, secret: str) -> PasswordReset:
    """The unused, unexpired link with this secret; NotFound otherwise."""
    reset = session.scalar(select(PasswordReset).where(PasswordReset.secret_hash == _hash(secret or "")))
    if reset is None or reset.used_at is not None or reset.expires_at <= datetime.now(UTC):
        raise NotFound(_l("This link has expired or has been used already."))
    return reset


def use_reset(session: Session, secret: str, new_password: str) -> User:
    """Set the new password with a link; the link (and every other of the account) is used up."""
    reset = valid_reset(session, secret)
    user = session.get(User, reset.user_id)
    if user is None or not user.active:
        raise NotFound(_l("This link has expired or has been used already."))
    problems = services.password_problems(new_password, user.email)
    if problems:
        raise ValidationError(problems[0], field="new_password")
    now = datetime.now(UTC)
    # One conditional UPDATE: of two requests with the same link, only one gets the row.
    claimed = session.execute(
        update(PasswordReset).where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise NotFound(_l("This link has expired or has been used already."))
    session.execute(
        update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False)
    )
    services.set_password(session, user, new_password, actor=user)
    return user
