"""four-eyes imports, language-neutral notifications, one response per person

- pending_change.data: the file of an import waiting for a second editor.
- user.language: the language a user chose (pages, notifications, e-mail).
- notification.message: subject and body as source text with parameters (JSON); existing rows keep their
  stored texts (message stays empty and they are shown as they are).
- consultation_response.once_key with a unique index (round, author, once_key): two responses of one person
  to one goal sent at the same moment cannot both be saved. Filled for the visible top-level responses; where
  duplicates exist already, only the earliest gets the key (the others stay, as they were).

Revision ID: b4e8d2a6c1f3
Revises: b15a0c0de003
Create Date: 2026-12-02 03:10:00.000000

Only columns are added and an index created: on SQLite no table is copied (batch mode adds columns in place),
so no ON DELETE CASCADE fires on a copy.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4e8d2a6c1f3'
down_revision = "b15a0c0de003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pending_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message', sa.Text(), nullable=True))
    with op.batch_alter_table('consultation_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('once_key', sa.String(length=24), nullable=True))
    op.execute("""
        UPDATE consultation_response SET once_key = CASE WHEN goal_id IS NULL THEN 'round'
                                                         ELSE 'goal:' || CAST(goal_id AS VARCHAR(12)) END
        WHERE parent_id IS NULL AND hidden_at IS NULL AND author_id IS NOT NULL
          AND id = (SELECT MIN(other.id) FROM consultation_response other
                    WHERE other.round_id = consultation_response.round_id
                      AND other.author_id = consultation_response.author_id
                      AND other.parent_id IS NULL AND other.hidden_at IS NULL
                      AND COALESCE(other.goal_id, 0) = COALESCE(consultation_response.goal_id, 0))
    """)
    # A unique index, not a constraint: SQLite adds it without copying the table (a copy would fire the
    # replies' ON DELETE CASCADE when the old table is dropped, and lose them).
    op.create_index('uq_consultation_response_once', 'consultation_response', ['round_id', 'author_id', 'once_key'],
                    unique=True)


def downgrade():
    op.drop_index('uq_consultation_response_once', table_name='consultation_response')
    with op.batch_alter_table('consultation_response', schema=None) as batch_op:
        batch_op.drop_column('once_key')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('message')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('pending_change', schema=None) as batch_op:
        batch_op.drop_column('data')
