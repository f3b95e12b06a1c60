"""Personal API tokens: make, list, revoke, and find the user a presented secret belongs to.

The secret is `wtc_` plus 43 random URL-safe characters. Only its SHA-256 is
stored: a stolen database gives no usable tokens. A token stops working when
it is revoked or when its owner's account is disabled.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..core.services import record_audit
from ..errors import NotFound, ValidationError
from .models import ApiToken

SECRET_PREFIX = "wtc_"  # noqa: S105  (a public marker that tokens start with, not a secret)
PREFIX_LENGTH = 12  # 'wtc_' and 8 random characters: enough to tell tokens apart, useless to guess
MAX_NAME = 100
MAX_TOKENS = 20
# Writing last_used_at on every request would make every API read a write; once a minute is enough to show.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def create_token(session: Session, user, name: str) -> NewToken:
    """A new token for `user`; the returned secret is the only copy there will ever be."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_l("Give the token a name, e.g. the script that uses it."), field="name")
    if len(name) > MAX_NAME:
        raise ValidationError(_nl("Use at most %(n)s character.", "Use at most %(n)s characters.", MAX_NAME,
                                  n=MAX_NAME), field="name")
    active = session.scalars(
        select(ApiToken.id).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    if len(active) >= MAX_TOKENS:
        raise ValidationError(_nl("You have %(n)s token already: revoke it first if you no longer use it.",
                                  "You have %(n)s tokens already: revoke one you no longer use first.", MAX_TOKENS,
                                  n=MAX_TOKENS), field="name")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret), prefix=secret[:PREFIX_LENGTH])
    session.add(token)
    session.flush()
    record_audit(session, user, "api_token.create", "api_token", token.id, f"{token.prefix}… {name}")
    return NewToken(token, secret)


def tokens_of(session: Session, user) -> list[ApiToken]:
    """The user's tokens, active ones first, newest first."""
    return list(session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(session: Session, user, token_id: int) -> ApiToken:
    """Stop one of the user's own tokens from working (revoking twice changes nothing)."""
    token = session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if token is None:
        raise NotFound(_l("This token does not exist."))
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        session.flush()
        record_audit(session, user, "api_token.revoke", "api_token", token.id, f"{token.prefix}… {token.name}")
    return token


def user_for_secret(session: Session, secret: str):
    """The active user a presented secret belongs to, or None (unknown, revoked, or account disabled).

    Marks the token as used (at most once a minute); the caller commits.
    """
    if not secret or not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    row = session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_secret(secret), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    token, user = row
    if not user.active:
        return None
    now = datetime.now(UTC)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        session.flush()
    return user
