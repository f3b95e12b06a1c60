"""Sign-in through the federations Dutch schools use (Entree Federatie, SURFconext): OpenID Connect.

Authlib's Flask client does the authorization code flow with PKCE (S256), `state` and `nonce` (kept in the
session) and checks the ID token (signature from the provider's JWKS, issuer, audience, nonce, expiry).
Settings: OIDC_ISSUER (discovery from `<issuer>/.well-known/openid-configuration`), OIDC_CLIENT_ID,
OIDC_CLIENT_SECRET, OIDC_NAME, OIDC_EMAIL_CLAIM. An account is found by the provider's subject, or the
first time by a *verified* e-mail address (then the subject is linked); roles and the school or network stay
in this app. Nobody gets an account made silently: an unknown person is asked to go to their administrator.
"""
from authlib.integrations.flask_client import OAuth
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.services import record_audit
from .models import User
from .services import normalise_email

NAME = "federation"


def enabled() -> bool:
    config = current_app.config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def client():
    """The app's OIDC client, registered from the settings when first used."""
    oauth = current_app.extensions.get("wt_oidc")
    if oauth is None:
        config = current_app.config
        oauth = OAuth(current_app)
        oauth.register(
            NAME, client_id=config["OIDC_CLIENT_ID"], client_secret=config.get("OIDC_CLIENT_SECRET"),
            server_metadata_url=config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": config["OIDC_SCOPE"], "code_challenge_method": "S256"},
        )
        current_app.extensions["wt_oidc"] = oauth
    return oauth.create_client(NAME)


def _claim_true(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def account_for(session: Session, claims: dict) -> User | None:
    """The active account these ID-token claims belong to, or None (unknown or disabled)."""
    subject = str(claims.get("sub") or "")
    if not subject:
        return None
    user = session.scalar(select(User).where(User.oidc_subject == subject))
    if user is None:
        email = normalise_email(str(claims.get(current_app.config["OIDC_EMAIL_CLAIM"]) or ""))
        if email and _claim_true(claims.get("email_verified")):
            user = session.scalar(select(User).where(User.email == email, User.oidc_subject.is_(None)))
            if user is not None:
                user.oidc_subject = subject[:255]
                session.flush()
                record_audit(session, user, "user.oidc_link", "user", user.id, f"{user.email} ↔ {subject[:200]}")
    if user is None or not user.active:
        return None
    return user
