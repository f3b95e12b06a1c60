"""The site's own pages: the home page, the language switch, the accessibility statement, the health check."""
from datetime import date

from flask import Blueprint, current_app, jsonify, make_response, redirect, render_template, request
from flask_babel import format_percent
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import text

from ..auth import services as users
from ..auth.permissions import public
from ..core.hooks import home_page_sections, sections, start_page_sections
from ..extensions import db
from ..i18n import LANGUAGE_COOKIE
from ..redirects import safe_next

bp = Blueprint("site", __name__)
ACCESSIBILITY_REVIEWED_ON = date(2026, 11, 25)
# What each role comes here to do, in a sentence at the top of its start page.
ROLE_HELP = {
    "leraar": _l("Here is your school's year plan: what is planned for this year and what comes next. Search for a "
                 "package to add it to a groep."),
    "coordinator": _l("Here is your school's year plan and how well it covers the goals: what is missing and what "
                      "needs attention."),
    "netwerkcoordinator": _l("Here is your network at a glance: how its schools cover the goals, and your network's "
                             "lesson packages."),
    "redacteur": _l("Here are the drafts waiting for you: goals and lesson packages that are not yet published."),
    "beheerder": _l("Here is what needs looking after: accounts, imports, jobs and backups."),
}


@bp.route("/")
@public
def home():
    """Anonymous visitors: what the site is. Logged in: the start page of the user's role."""
    if current_user.is_authenticated:
        return render_template("site/start.html", role_help=ROLE_HELP,
                               format_percent=lambda share: format_percent(share, format="#,##0%"),
                               sections=sections(start_page_sections, db.session, current_user),
                               home_sections=sections(home_page_sections, db.session, current_user))
    return render_template("site/home.html", home_sections=sections(home_page_sections, db.session, current_user))


@bp.route("/toegankelijkheid")
@public
def accessibility():
    """The accessibility statement (toegankelijkheidsverklaring)."""
    return render_template("site/accessibility.html", reviewed_on=ACCESSIBILITY_REVIEWED_ON)


@bp.route("/taal", methods=["POST"])
@public
def set_language():
    """Remember the chosen language for a year; without a choice Accept-Language decides."""
    language = request.form.get("lang", "")
    response = make_response(redirect(safe_next(request.form.get("next"))))
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
        if current_user.is_authenticated:  # also for their other browsers, notifications and e-mail
            users.set_language(db.session, current_user._get_current_object(), language)
            db.session.commit()
    return response


def _migration_heads() -> list[str]:
    """The newest migration revision(s); read from the migration files once per process (they don't change)."""
    heads = current_app.extensions.get("wt_migration_heads")
    if heads is None:
        from alembic.script import ScriptDirectory

        migrate_ext = current_app.extensions["migrate"]
        config = migrate_ext.migrate.get_config(migrate_ext.directory)
        heads = current_app.extensions["wt_migration_heads"] = ScriptDirectory.from_config(config).get_heads()
    return heads


@bp.route("/healthz")
@public
def healthz():
    """Database reachable and schema at the newest migration: 200, else 503."""
    try:
        current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except Exception:
        db.session.rollback()
        return jsonify(status="error", database="unreachable or not migrated"), 503
    heads = _migration_heads()
    if sorted(current) != sorted(heads):
        return jsonify(status="error", database="ok", migrations="behind", current=current, heads=heads), 503
    return jsonify(status="ok", database="ok", migrations="current")


@bp.app_context_processor
def template_helpers():
    return {"has_endpoint": lambda endpoint: endpoint in current_app.view_functions}
