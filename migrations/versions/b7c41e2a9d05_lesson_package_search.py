"""lesson package full-text search

SQLite: an FTS5 table over title, summary, description and keywords, kept in
sync with lesson_package by triggers and filled from the existing rows.
PostgreSQL: a GIN index on the weighted 'dutch' tsvector expression that
wt_curriculum.lessons.search queries (the two must stay identical).

Revision ID: b7c41e2a9d05
Revises: 2fa19a96b479
Create Date: 2026-11-25 14:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7c41e2a9d05'
down_revision = '2fa19a96b479'
branch_labels = None
depends_on = None

PG_VECTOR = (
    "setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, coalesce(keywords, '')), 'B') || "
    "setweight(to_tsvector('dutch'::regconfig, coalesce(summary, '')), 'C') || "
    "setweight(to_tsvector('dutch'::regconfig, coalesce(description, '')), 'D')"
)

SQLITE_UPGRADE = [
    """CREATE VIRTUAL TABLE lesson_package_fts USING fts5(
        title, summary, description, keywords,
        content='lesson_package', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER lesson_package_fts_ai AFTER INSERT ON lesson_package BEGIN
        INSERT INTO lesson_package_fts(rowid, title, summary, description, keywords)
        VALUES (new.id, new.title, new.summary, new.description, new.keywords);
    END""",
    """CREATE TRIGGER lesson_package_fts_ad AFTER DELETE ON lesson_package BEGIN
        INSERT INTO lesson_package_fts(lesson_package_fts, rowid, title, summary, description, keywords)
        VALUES ('delete', old.id, old.title, old.summary, old.description, old.keywords);
    END""",
    """CREATE TRIGGER lesson_package_fts_au AFTER UPDATE ON lesson_package BEGIN
        INSERT INTO lesson_package_fts(lesson_package_fts, rowid, title, summary, description, keywords)
        VALUES ('delete', old.id, old.title, old.summary, old.description, old.keywords);
        INSERT INTO lesson_package_fts(rowid, title, summary, description, keywords)
        VALUES (new.id, new.title, new.summary, new.description, new.keywords);
    END""",
    "INSERT INTO lesson_package_fts(lesson_package_fts) VALUES ('rebuild')",
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS lesson_package_fts_au",
    "DROP TRIGGER IF EXISTS lesson_package_fts_ad",
    "DROP TRIGGER IF EXISTS lesson_package_fts_ai",
    "DROP TABLE IF EXISTS lesson_package_fts",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_UPGRADE:
            op.execute(statement)
    elif dialect == 'postgresql':
        op.execute(f"CREATE INDEX ix_lesson_package_fts ON lesson_package USING gin (({PG_VECTOR}))")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
    elif dialect == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_lesson_package_fts")
