"""The words of lesson packages as the search sees them, the same on SQLite and PostgreSQL.

PostgreSQL's 'dutch' text-search configuration splits text into words, drops the stop words of its
`dutch.stop` and stems the rest with Snowball's Dutch (Porter) stemmer. On SQLite this module does the same in
Python (`snowballstemmer`'s "dutch_porter", the algorithm PostgreSQL ships; `dutch.stop` is PostgreSQL's list)
and keeps the stemmed text in the FTS5 table `lesson_package_fts_stem` (rowid = package id), written by mapper
events whenever a package is inserted, updated or deleted through the ORM. A bulk change that bypasses the ORM
must call `rebuild_sqlite_index`.
"""
import re
from functools import lru_cache
from pathlib import Path

import snowballstemmer
from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from .models import LessonPackage

FTS_TABLE = "lesson_package_fts_stem"
COLUMNS = ("title", "summary", "description", "keywords")
WORD = re.compile(r"[^\W_]+")
STOP_WORDS = frozenset(
    line.strip() for line in (Path(__file__).with_name("dutch.stop")).read_text(encoding="utf-8").splitlines()
    if line.strip()
)
_stemmer = snowballstemmer.stemmer("dutch_porter")


def words(value: str) -> list[str]:
    """The lower-case words of a text, as PostgreSQL's parser finds them for letters and digits."""
    return [w.lower() for w in WORD.findall(value or "")]


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """One lower-case word stemmed like PostgreSQL's dutch_stem dictionary (numbers stay as they are)."""
    return word if word.isdigit() else _stemmer.stemWord(word)


def is_stop_word(word: str) -> bool:
    return word.lower() in STOP_WORDS


def stemmed_text(value: str) -> str:
    """A text as the index holds it: its words without stop words, stemmed, separated by spaces."""
    return " ".join(stem(w) for w in words(value) if w not in STOP_WORDS)


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
