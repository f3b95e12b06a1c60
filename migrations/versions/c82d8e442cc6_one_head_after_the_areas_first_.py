"""one head after the areas' first migrations

Revision ID: c82d8e442cc6
Revises: c3e8a1f40b62, d81f5c3a7e20, e4a7c9d2b113
Create Date: 2026-11-25 12:31:02.226073

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c82d8e442cc6'
down_revision = ('c3e8a1f40b62', 'd81f5c3a7e20', 'e4a7c9d2b113')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
