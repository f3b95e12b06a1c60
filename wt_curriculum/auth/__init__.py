"""Accounts and roles: login, logout, own password, permission decorators (user administration: admin/)."""
from flask import Flask, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db, login_manager
from . import sessions, two_factor

# What a user who must set up two-step sign-in may still open.
SETUP_ENDPOINTS = {"auth.two_factor_page", "auth.logout", "auth.login", "auth.logout_everywhere", "site.set_language",
                   "site.healthz"}


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(value: str):
        # The value is "<user id>:<session secret>"; the session must still exist on the server.
        user, changed = sessions.user_for_session(db.session, value)
        if changed:
            db.session.commit()  # nothing else is pending: the user is loaded before the view runs
        return user

    @app.before_request
    def load_the_user_first():
        """Load the user before the view, so that the session check never commits a view's half-done work;
        a user whose role requires two-step sign-in sets it up before anything else."""
        if request.endpoint == "static":
            return None
        user = current_user._get_current_object()
        if (user.is_authenticated and not user.totp_secret and two_factor.is_required(user)
                and request.endpoint not in SETUP_ENDPOINTS and not request.path.startswith("/api/")):
            flash(_l("Your role signs in with two steps: set it up first."), "info")
            return redirect(url_for("auth.two_factor_page"))
        return None
