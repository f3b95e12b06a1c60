"""The site's own pages: the home page, the language switch, the accessibility statement, the health check."""
from datetime import date

from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
)
from flask_babel import format_percent, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from ..auth import services as users
from ..auth.permissions import public
from ..core import health
from ..core.hooks import home_page_sections, sections, start_page_sections
from ..extensions import db
from ..i18n import LANGUAGE_COOKIE
from ..redirects import safe_next

bp = Blueprint("site", __name__)
ACCESSIBILITY_REVIEWED_ON = date(2026, 12, 2)
# What each role comes here to do, in a sentence at the top of its start page.
ROLE_HELP = {
    "leraar": _l("Here is your school's year plan: what is planned for this year and what comes next. Search for a "
                 "package to add it to a groep."),
    "coordinator": _l("Here is your school's year plan and how well it covers the goals: what is missing and what "
                      "needs attention."),
    "netwerkcoordinator": _l("Here is your network at a glance: how its schools cover the goals, how your "
                             "lesson packages are used and which need attention."),
    "redacteur": _l("Here is what waits for you: changes to approve, goals still in draft, consultation rounds "
                    "and the packages a retired goal affects."),
    "beheerder": _l("Here is how the installation is doing: its health, the task queue, the latest imports and "
                    "changes."),
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


@bp.route("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; the pages also name it (and the SVG one)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)


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


@bp.route("/healthz")
@public
def healthz():
    """Database reachable and schema at the newest migration: 200, else 503."""
    state = health.check(db.session, queue=False)
    if not state.database:
        return jsonify(status="error", database="unreachable or not migrated"), 503
    if not state.migrations_current:
        return jsonify(status="error", database="ok", migrations="behind", current=state.current,
                       heads=state.heads), 503
    return jsonify(status="ok", database="ok", migrations="current")


@bp.app_context_processor
def template_helpers():
    return {"has_endpoint": lambda endpoint: endpoint in current_app.view_functions, "main_menu": main_menu}


def main_menu() -> Markup:
    """The main menu (macros/nav.html) shows what the viewer's role works with and marks the current area: it
    depends on the role, the page's endpoint and the language only, so each app renders it once for each of
    those (a few hundred at most) instead of on every page."""
    role = current_user.role if current_user.is_authenticated else None
    key = (role, request.endpoint or "", str(get_locale()))
    menus = current_app.extensions.setdefault("wt_main_menus", {})
    if key not in menus:
        menus[key] = Markup(render_template("macros/nav.html"))  # noqa: S704 (rendered by Jinja, autoescaped)
    return menus[key]
