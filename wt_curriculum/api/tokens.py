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
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.services import user_disabled
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


EXPIRY_DAYS = (30, 90, 365, 730)  # the choices when a token is made
DEFAULT_EXPIRY_DAYS = 365
# Tokens read: a token never authenticates a request that could change something.
TOKEN_METHODS = ("GET", "HEAD", "OPTIONS")


def create_token(session: Session, user, name: str, days: int = DEFAULT_EXPIRY_DAYS) -> NewToken:
    """A new token for `user`, valid for `days`; the returned secret is the only copy there will ever be."""
    if days not in EXPIRY_DAYS:
        raise ValidationError(_l("Choose how long the token works from the list."), field="days")
    name = (name or "").strip()
    if not name:
        raise ValidationError(_l("Give the token a name, e.g. the script that uses it."), field="name")
    if len(name) > MAX_NAME:
        raise ValidationError(_nl("Use at most %(n)s character.", "Use at most %(n)s characters.", MAX_NAME,
                                  n=MAX_NAME), field="name")
    now = datetime.now(UTC)
    active = session.scalars(
        select(ApiToken.id).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
                                  ApiToken.expires_at > now)).all()
    if len(active) >= MAX_TOKENS:
        raise ValidationError(_nl("You have %(n)s token already: revoke it first if you no longer use it.",
                                  "You have %(n)s tokens already: revoke one you no longer use first.", MAX_TOKENS,
                                  n=MAX_TOKENS), field="name")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret), prefix=secret[:PREFIX_LENGTH],
                     created_at=now, expires_at=now + timedelta(days=days))
    session.add(token)
    session.flush()
    record_audit(session, user, "api_token.create", "api_token", token.id, f"{token.prefix}… {name}")
    return NewToken(token, secret)


def tokens_of(session: Session, user) -> list[ApiToken]:
    """The user's tokens, active ones first, newest first."""
    found = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return sorted(found, key=lambda token: not token.active)  # stable: newest first within each


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


@user_disabled.register
def revoke_tokens_of_disabled_user(session: Session, user, actor) -> None:
    """A disabled account's tokens are revoked for good: enabling the account again does not revive them."""
    revoked = session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    ).rowcount
    if revoked:
        record_audit(session, actor, "api_token.revoke_all", "user", user.id,
                     f"{revoked} token(s) of disabled account {user.email}")


def user_for_secret(session: Session, secret: str):
    """The active user a presented secret belongs to, or None (unknown, revoked, expired, or account disabled).

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
    now = datetime.now(UTC)
    if not user.active or token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        session.flush()
    return user
