"""The words of lesson packages as the search sees them, the same on SQLite and PostgreSQL.

PostgreSQL's 'dutch' text-search configuration splits text into words, drops the stop words of its
`dutch.stop` and stems the rest with Snowball's Dutch (Porter) stemmer. On SQLite this module does the same in
Python (core/stemming.py: `snowballstemmer`'s "dutch_porter", the algorithm PostgreSQL ships; PostgreSQL's `dutch.stop`)
and keeps the stemmed text in the FTS5 table `lesson_package_fts_stem` (rowid = package id), written by mapper
events whenever a package is inserted, updated or deleted through the ORM. A bulk change that bypasses the ORM
must call `rebuild_sqlite_index`.
"""
from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from ..core.stemming import STOP_WORDS, WORD, is_stop_word, stem, stemmed_text, words  # noqa: F401  (used by search)
from .models import LessonPackage

FTS_TABLE = "lesson_package_fts_stem"
COLUMNS = ("title", "summary", "description", "keywords")


def _row(package) -> dict:
    return {"id": package.id, **{column: stemmed_text(getattr(package, column) or "") for column in COLUMNS}}


def create_sqlite_index(connection: Connection) -> None:
    connection.execute(text(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({', '.join(COLUMNS)}, "
        "tokenize='unicode61 remove_diacritics 0')"
    ))


def write_rows(connection: Connection, rows: list[dict]) -> None:
    """(Re)write the index rows of these packages (dicts with id and the four columns, already stemmed)."""
    if not rows:
        return
    connection.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), [{"id": r["id"]} for r in rows])
    connection.execute(
        text(f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(COLUMNS)}) "
             f"VALUES (:id, {', '.join(':' + c for c in COLUMNS)})"), rows)


def rebuild_sqlite_index(connection: Connection) -> int:
    """Fill the index again from every package; returns how many rows it holds."""
    connection.execute(text(f"DELETE FROM {FTS_TABLE}"))
    source = connection.execute(text(f"SELECT id, {', '.join(COLUMNS)} FROM lesson_package")).mappings().all()
    rows = [{"id": r["id"], **{c: stemmed_text(r[c] or "") for c in COLUMNS}} for r in source]
    write_rows(connection, rows)
    return len(rows)


@event.listens_for(LessonPackage, "after_insert")
@event.listens_for(LessonPackage, "after_update")
def _package_written(mapper, connection, target):
    if connection.dialect.name == "sqlite":
        write_rows(connection, [_row(target)])


@event.listens_for(LessonPackage, "after_delete")
def _package_deleted(mapper, connection, target):
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": target.id})
