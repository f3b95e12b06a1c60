"""content_generation: one counter raised by every change to public content (for the page cache)

Revision ID: f1d2c3b4a5e6
Revises: c82d8e442cc6
Create Date: 2026-11-25 13:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = 'f1d2c3b4a5e6'
down_revision = 'c82d8e442cc6'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'content_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_generation')),
    )
    op.bulk_insert(table, [{'id': 1, 'value': 0}])


def downgrade():
    op.drop_table('content_generation')
