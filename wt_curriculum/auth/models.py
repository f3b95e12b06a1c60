"""Accounts, roles and failed-login records."""
from datetime import datetime
from enum import StrEnum
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.models import utcnow
from ..extensions import db


class Role(StrEnum):
    ADMIN = "beheerder"
    EDITOR = "redacteur"
    NETWORK = "netwerkcoordinator"
    COORDINATOR = "coordinator"
    TEACHER = "leraar"


SCHOOL_ROLES = (Role.COORDINATOR, Role.TEACHER)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    school_id: Mapped[Optional[int]] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"), index=True)
    network_id: Mapped[Optional[int]] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # A teacher's own groepen (bit mask, wt_curriculum.groepen): they change the plan entries of these groepen.
    groepen_mask: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[Optional[datetime]]
    # Two-factor sign-in (auth/two_factor.py): the TOTP secret once set up, and the last time step used,
    # so that a code works only once.
    totp_secret: Mapped[Optional[str]] = mapped_column(String(64))
    # Sign-in through the federation (auth/oidc.py): the provider's subject, linked at the first sign-in.
    oidc_subject: Mapped[Optional[str]] = mapped_column(String(255), unique=True)
    totp_last_step: Mapped[int] = mapped_column(default=0, server_default="0")
    # Optimistic locking of the administrator's account form (auth.services.update_user). Not a version_id_col:
    # signing in, two-step codes and password changes write this row too, and must neither count as an edit
    # (a false conflict for the administrator) nor fail because an administrator saved at the same moment.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The language the user chose (one of LANGUAGES): the site's pages, notifications and their e-mails are in it;
    # none: the browser's language, and mail in the default language (Dutch).
    language: Mapped[Optional[str]] = mapped_column(String(8))

    def set_password(self, password: str) -> None:
        from flask import current_app

        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    # The secret of the browser session this request belongs to (set by auth.sessions, never stored).
    session_key = None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_key or ''}"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class UserSession(db.Model):
    """One logged-in browser. The cookie carries the secret, the table only its SHA-256: deleting the row
    (logout, "log out everywhere", a new password, a disabled account, idle too long) ends the session
    even for a copy of the cookie."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(200), default="")


class RecoveryCode(db.Model):
    """A one-time code for when the authenticator app is lost; only its SHA-256 is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[Optional[datetime]]


class PasswordReset(db.Model):
    """A link to set a new password: single use, expiring; only the SHA-256 of its secret is kept."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[Optional[datetime]]
    # The administrator who made it; None when the user asked for it.
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
