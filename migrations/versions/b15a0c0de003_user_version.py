"""user.version: optimistic locking of the administrator's account form

Existing accounts start at version 1. A plain column, not SQLAlchemy's version_id_col: signing in and password
changes write the row as well and must not count as edits (auth.services.update_user claims the next version).

Revision ID: b15a0c0de003
Revises: a9e3f5c1d7b2
Create Date: 2026-12-02 03:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b15a0c0de003'
down_revision = 'a9e3f5c1d7b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('version')
