"""Accounts and roles: login, logout, own password, permission decorators (user administration: admin/)."""
from flask import Flask
from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager
from ..numbers import whole_or_none
from .models import User


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        # The id carries the session token, so changing the password ends old sessions.
        user_part, _, token = user_id.partition(":")
        if whole_or_none(user_part, 1) is None:
            return None
        user = db.session.get(User, whole_or_none(user_part, 1))
        if user is None or user.session_token != token or not user.active:
            return None
        return user
