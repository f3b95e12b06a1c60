"""lesson package search with Dutch stemming on SQLite too

SQLite: the FTS5 table over the raw text and its three triggers give way to `lesson_package_fts_stem`, which
holds the text stemmed and without stop words as PostgreSQL's 'dutch' configuration makes it
(wt_curriculum.lessons.search_index keeps it current from mapper events). Filled here from the existing rows.
PostgreSQL: unchanged (its GIN index on the 'dutch' tsvector already stems).

Revision ID: a9e3f5c1d7b2
Revises: c13e23b2147b
Create Date: 2026-12-01 23:00:00.000000

"""
from alembic import op

from wt_curriculum.lessons import search_index

# revision identifiers, used by Alembic.
revision = 'a9e3f5c1d7b2'
down_revision = 'c13e23b2147b'
branch_labels = None
depends_on = None

OLD_SQLITE = [
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


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    for name in ("lesson_package_fts_au", "lesson_package_fts_ad", "lesson_package_fts_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS lesson_package_fts")
    search_index.create_sqlite_index(bind)
    search_index.rebuild_sqlite_index(bind)


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.execute(f"DROP TABLE IF EXISTS {search_index.FTS_TABLE}")
    for statement in OLD_SQLITE:
        op.execute(statement)
