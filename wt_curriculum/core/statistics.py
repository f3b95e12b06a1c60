"""Statistics for the query planner: without them SQLite and PostgreSQL pick poor plans for the coverage
queries (a full scan of a year's plan rows instead of the covering index), and the choice flips with scale.

`analyze(connection)` gathers them: on PostgreSQL `ANALYZE` of every table of the app (named: a bare
ANALYZE would visit every schema of the database), on SQLite a bounded `ANALYZE` (`PRAGMA analysis_limit`:
the statistics of a sample, a fraction of a second even at national size) followed by `PRAGMA optimize`.
It runs after `flask db upgrade`, `flask seed`, every large import (`analyze_after_commit`), and every
hour in the queue (core/tasks.py). SQLite connections also run `PRAGMA optimize` when they close, as
SQLite recommends (it re-analyses only tables whose statistics are missing or far out of date).
"""
import contextlib
import logging
import sqlite3

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

from ..extensions import db

logger = logging.getLogger(__name__)
PENDING = "wt_analyze_after_commit"


def app_tables() -> list[str]:
    return sorted(db.metadata.tables)


def analyze(connection: Connection) -> None:
    """Gather planner statistics for the app's tables on this connection (commits nothing of its own)."""
    if connection.dialect.name == "postgresql":
        existing = set(connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())
        for name in app_tables():
            if name in existing:
                connection.execute(text(f'ANALYZE "{name}"'))
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("ANALYZE")
        connection.exec_driver_sql("PRAGMA optimize")


def analyze_database(engine) -> None:
    with engine.connect() as connection:
        analyze(connection)
        connection.commit()


def analyze_after_commit(session: Session) -> None:
    """Gather statistics once this session's transaction has committed (after a large import)."""
    session.info[PENDING] = True


@event.listens_for(Session, "after_commit")
def _analyze_after_commit(session: Session) -> None:
    if session.info.pop(PENDING, False):
        try:
            analyze_database(session.get_bind())
        except Exception:  # noqa: BLE001 - the import is in; the hourly run catches up
            logger.exception("could not gather planner statistics after an import")


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


@event.listens_for(Pool, "close")
def _optimize_on_close(dbapi_connection, connection_record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        # A closing connection to a file that is gone or locked: nothing to keep.
        with contextlib.suppress(sqlite3.Error):
            dbapi_connection.execute("PRAGMA optimize")
