"""Accounts and roles: login, logout, own password, permission decorators (user administration: admin/)."""
from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db, login_manager
from . import sessions


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
        """Load the user before the view, so that the session check never commits a view's half-done work."""
        if request.endpoint != "static":
            current_user._get_current_object()
