"""Planner statistics: gathered by the hourly queue task, after `flask seed`, and by SQLite connections as
they close (PRAGMA optimize)."""
import sqlite3

from sqlalchemy import create_engine, text

from wt_curriculum.core import statistics  # noqa: F401  (registers PRAGMA optimize on close)
from wt_curriculum.extensions import db


def _goal_stat(app) -> str | int | None:
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "sqlite":
            return connection.exec_driver_sql(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = 'goal' AND idx = 'ix_goal_strand_id'").scalar()
        return connection.exec_driver_sql("SELECT reltuples FROM pg_class WHERE oid = 'goal'::regclass").scalar()


def test_the_hourly_task_gathers_statistics(app):
    from pathlib import Path

    from wt_curriculum.core.tasks import update_statistics
    from wt_curriculum.objectives.seed import load_framework
    from wt_curriculum.seed import read_yaml

    with app.app_context():
        if db.session.connection().dialect.name == "postgresql":
            # Emptied tables keep the statistics of earlier tests: start from those of an empty table.
            db.session.connection().exec_driver_sql("ANALYZE goal")
            db.session.commit()
    assert _goal_stat(app) in (None, -1, 0)
    with app.app_context():  # the framework is loaded after the last ANALYZE
        load_framework(db.session, read_yaml(Path(__file__).parents[2] / "seeds" / "framework.yaml"))
        db.session.commit()
        update_statistics.call_local()
    stat = _goal_stat(app)
    assert (stat.split()[0] == "120") if isinstance(stat, str) else stat == 120


def test_flask_seed_gathers_statistics(app, runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    stat = _goal_stat(app)
    assert (stat.split()[0] == "120") if isinstance(stat, str) else stat == 120


def test_a_sqlite_connection_runs_pragma_optimize_as_it_closes(tmp_path):
    path = tmp_path / "plain.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE t (a INTEGER, b INTEGER)")
    raw.execute("CREATE INDEX ix_t_a ON t (a)")
    raw.executemany("INSERT INTO t VALUES (?, ?)", [(i % 10, i) for i in range(5000)])
    raw.commit()
    raw.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t WHERE a = 3")).scalar() == 500
    engine.dispose()  # closes the pooled connection: PRAGMA optimize analyses the table it used
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_t_a'").fetchone() == ("5000 500",)
    finally:
        raw.close()
