"""lesson_package.groepen_reason: why a package's groepen differ from its main-aim goals' groepen

Revision ID: a21c0e5f7b10
Revises: b3d5e7f9a1c2
Create Date: 2026-12-01 23:00:00

A plain ADD COLUMN (no batch): SQLite adds it in place, so the full-text triggers of lesson_package stay.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a21c0e5f7b10'
down_revision = 'b3d5e7f9a1c2'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('lesson_package', sa.Column('groepen_reason', sa.String(length=500), server_default='',
                                              nullable=False))


def downgrade():
    op.drop_column('lesson_package', 'groepen_reason')
