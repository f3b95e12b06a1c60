"""used_submission: one-time tokens of create forms (a double submit makes one record)

Revision ID: a15c0de0f001
Revises: 794a1655fd8b
Create Date: 2026-12-01 23:35:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a15c0de0f001'
down_revision = '794a1655fd8b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'used_submission',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_used_submission')),
    )
    with op.batch_alter_table('used_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_submission_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('used_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_used_submission_created_at'))
    op.drop_table('used_submission')
