"""Two-factor sign-in: a TOTP code from an authenticator app (pyotp), or a one-time recovery code.

Required for the roles in REQUIRE_2FA_FOR (administrators and editors by default); others may turn it on.
A code is accepted once (its time step is remembered) and within one step of the clock either way.
"""
import hashlib
import secrets
from datetime import UTC, datetime

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..core.services import record_audit
from ..errors import ValidationError
from . import sessions
from .models import RecoveryCode, User


def required_roles() -> set[str]:
    value = current_app.config.get("REQUIRE_2FA_FOR") or ""
    parts = value.split(",") if isinstance(value, str) else value
    return {str(part).strip() for part in parts if str(part).strip()}


def is_required(user) -> bool:
    return user.role in required_roles()


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["TOTP_ISSUER"])


def qr_code(uri: str) -> str:
    """The otpauth URI as a QR code (an SVG data URI, allowed by the CSP's img-src data:)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _clean(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _hash(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def _matching_step(secret: str, code: str) -> int | None:
    """The time step the 6-digit code belongs to (now, or one step before or after), or None."""
    code = _clean(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = datetime.now(UTC)
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(current_app.config["RECOVERY_CODES"])]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    return codes


def enable(session: Session, user: User, secret: str, code: str) -> list[str]:
    """Turn two-factor sign-in on with a secret the user's app now shows codes for; the recovery codes."""
    step = _matching_step(secret, code)
    if step is None:
        raise ValidationError(_l("This code is not correct. Check the time on your phone and try again."),
                              field="code")
    user.totp_secret, user.totp_last_step = secret, step
    codes = _new_recovery_codes(session, user)
    sessions.end_all_sessions(session, user.id, keep_key=user.session_key)
    session.flush()
    record_audit(session, user, "user.2fa_on", "user", user.id, user.email)
    return codes


def disable(session: Session, user: User, code: str) -> None:
    """Turn it off (not for roles that require it), with a current code."""
    if is_required(user):
        raise ValidationError(_l("Your role must sign in with two steps."), field="code")
    if not verify(session, user, code):
        raise ValidationError(_l("This code is not correct."), field="code")
    user.totp_secret, user.totp_last_step = None, 0
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.flush()
    record_audit(session, user, "user.2fa_off", "user", user.id, user.email)


def verify(session: Session, user: User, code: str) -> bool:
    """A TOTP code not used before, or an unused recovery code (used up now). The caller commits."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code)
    if step is not None:
        # One conditional UPDATE: the same code sent twice at once counts once.
        taken = session.execute(
            update(User).where(User.id == user.id, User.totp_last_step < step).values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        ).rowcount
        return taken == 1
    found = session.scalar(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code), RecoveryCode.used_at.is_(None)))
    if found is None:
        return False
    used = session.execute(
        update(RecoveryCode).where(RecoveryCode.id == found, RecoveryCode.used_at.is_(None))
        .values(used_at=datetime.now(UTC)).execution_options(synchronize_session=False)
    ).rowcount
    if used == 1:
        record_audit(session, user, "user.recovery_code", "user", user.id, user.email)
    return used == 1


def recovery_codes_left(session: Session, user: User) -> int:
    return len(session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())
