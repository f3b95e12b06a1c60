"""school.version, network.version: optimistic locking for the administration of schools and networks

Revision ID: a15c0de0f002
Revises: a15c0de0f001
Create Date: 2026-12-01 23:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a15c0de0f002'
down_revision = 'a15c0de0f001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.drop_column('version')
