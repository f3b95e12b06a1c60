"""wt_curriculum: w&t learning goals, lesson packages and coverage for Dutch primary schools."""
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import config as config_module
from .extensions import csrf, db, login_manager, migrate
from .numbers import WholeNumberConverter

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints. No database work happens here."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    # One way to read a whole number in a path, for every route: ASCII digits inside the column's range.
    app.url_map.converters["int"] = WholeNumberConverter
    app.config.from_object(config_module.Config)
    app.config.from_prefixed_env("WT")
    if test_config:
        app.config.update(test_config)
    if "SQLALCHEMY_DATABASE_URI" not in app.config:
        app.config["SQLALCHEMY_DATABASE_URI"] = config_module.database_url(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.secret_key(app.instance_path)
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from . import i18n, models, tasks  # noqa: F401  (models: register every table; tasks: every queue task)
    from .core import fragments, queue, statistics  # noqa: F401  (statistics: PRAGMA optimize as connections close)

    i18n.init_app(app)
    from .forms import new_submission_token

    app.jinja_env.globals["new_submission_token"] = new_submission_token  # create forms written in plain HTML
    queue.init_app(app)
    fragments.init_app(app)

    # The areas, lowest layer first (docs/DEVELOPING.md, "Layers"); tests/test_layers.py keeps the order.
    from .admin.views import bp as admin_bp
    from .api.account import bp as api_tokens_bp
    from .api.views import bp as api_bp
    from .auth.views import bp as auth_bp
    from .case.pages import bp as case_pages_bp
    from .case.views import bp as case_bp
    from .consultations.views import bp as consultations_bp
    from .interchange.views import bp as interchange_bp
    from .jobs.views import bp as jobs_bp
    from .lessons.views import bp as lessons_bp
    from .notifications.views import bp as notifications_bp
    from .oai.views import bp as oai_bp
    from .objectives.views import bp as objectives_bp
    from .organisations.views import bp as organisations_bp
    from .planning.views import bp as planning_bp
    from .references.views import bp as references_bp
    from .reports.consultation_views import bp as consultation_reports_bp
    from .reports.release_views import bp as release_notes_bp
    from .reports.views import bp as reports_bp
    from .site.old_paths import add_old_paths
    from .site.views import bp as site_bp

    for blueprint in (auth_bp, notifications_bp, organisations_bp, objectives_bp, references_bp, lessons_bp,
                      planning_bp, consultations_bp, reports_bp, release_notes_bp, consultation_reports_bp,
                      interchange_bp, case_bp, case_pages_bp, api_bp, api_tokens_bp, admin_bp, jobs_bp, oai_bp,
                      site_bp):
        app.register_blueprint(blueprint)
    add_old_paths(app)

    from . import auth, cli, errors, security

    auth.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, WAL so readers never wait for a writer, wait on locks."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
