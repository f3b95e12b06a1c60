"""`flask db upgrade` builds the schema from nothing and keeps existing data; `flask seed` is idempotent."""
import re
import sqlite3

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from tests.conftest import BASE_CONFIG, TEST_DATABASE_URL
from wt_curriculum import create_app
from wt_curriculum.extensions import db

FIRST_REVISION = "2fa19a96b479"


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="runs on a file of its own (SQLite)")
def test_upgrade_from_the_first_revision_keeps_existing_rows(tmp_path):
    path = tmp_path / "old.sqlite"
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(revision=FIRST_REVISION)
        db.session.execute(text(
            "INSERT INTO network (code, name, region, archived, created_at) "
            "VALUES ('WT-OLD', 'Oud netwerk', 'Utrecht', 0, '2026-01-01 10:00:00')"))
        db.session.commit()
        upgrade(revision="heads")
        assert db.session.execute(text("SELECT name FROM network WHERE code = 'WT-OLD'")).scalar() == "Oud netwerk"
        # Every migration can be undone and redone.
        downgrade(revision="base")
        upgrade(revision="heads")
        db.engine.dispose()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_sqlite_runs_with_foreign_keys_on(app):
    if TEST_DATABASE_URL:
        pytest.skip("SQLite only")
    with app.app_context():
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_seed_loads_the_framework_and_demo_data_once(runner, app):
    from wt_curriculum.auth.models import User
    from wt_curriculum.lessons.models import LessonPackage
    from wt_curriculum.objectives.models import Domain, Goal, Strand
    from wt_curriculum.organisations.models import Network, School
    from wt_curriculum.planning.models import PlanEntry

    first = runner.invoke(args=["seed", "--demo"])
    assert first.exit_code == 0, first.output
    passwords = re.findall(r"password (\S+)", first.output)
    assert len(passwords) == 5
    models = (Domain, Strand, Goal, Network, School, LessonPackage, PlanEntry, User)
    with app.app_context():
        counts = {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}
        demo_admin = db.session.scalar(select(User).where(User.email == "beheerder@example.org"))
        assert demo_admin.check_password(passwords[0])
    assert counts["Domain"] == 2 and counts["Strand"] >= 15 and counts["Goal"] >= 80
    assert counts["LessonPackage"] >= 40 and counts["School"] >= 10 and counts["PlanEntry"] > 100
    second = runner.invoke(args=["seed", "--demo"])
    assert second.exit_code == 0, second.output
    assert "password " not in second.output.replace("password unchanged", "")
    with app.app_context():
        again = {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}
    assert again == counts


def test_the_models_and_the_migrations_agree(app):
    """A model change without its migration shows up here as a difference."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_object": lambda obj, name, type_, reflected, compare_to: not (
                type_ in ("table", "index") and name and "lesson_package_fts" in name),
            "compare_type": False,
        })
        differences = compare_metadata(context, db.metadata)
    assert differences == []


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's batch migrations copy tables")
def test_migrations_that_copy_a_table_keep_the_rows_pointing_at_it(tmp_path):
    """A batch migration copies `user` and drops the old table; with foreign keys on, the DROP would delete
    the sessions, notifications and tokens of every account (ON DELETE CASCADE). They must survive a downgrade
    and upgrade of the migrations that rebuild `user`."""
    path = tmp_path / "old.sqlite"
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(revision="heads")
        db.session.execute(text(
            "INSERT INTO user (email, name, password_hash, role, active, created_at) "
            "VALUES ('oud@example.org', 'Oud', 'x', 'leraar', 1, '2026-01-01 10:00:00')"))
        user_id = db.session.execute(text("SELECT id FROM user")).scalar()
        db.session.execute(text(
            "INSERT INTO notification (user_id, kind, subject, body, url, created_at) "
            "VALUES (:u, 'test', 'Onderwerp', 'Tekst', '/', '2026-01-01 10:00:00')"), {"u": user_id})
        db.session.commit()
        # Back to before the migrations that add the account's version and language (their downgrades drop
        # columns, which copies the table), and up again.
        downgrade(revision="a9e3f5c1d7b2")
        upgrade(revision="heads")
        assert db.session.execute(text("SELECT count(*) FROM notification WHERE user_id = :u"),
                                  {"u": user_id}).scalar() == 1
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
