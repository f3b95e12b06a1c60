"""plan_entry: a covering index (school_year, school_id, package_id, groep) for coverage aggregates

Replaces ix_plan_entry_year_school, which is its prefix.

Revision ID: e4a7c9d2b113
Revises: 2fa19a96b479
Create Date: 2026-11-25 12:20:00.000000

"""
from alembic import op

revision = 'e4a7c9d2b113'
down_revision = '2fa19a96b479'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan_entry', schema=None) as batch_op:
        batch_op.create_index('ix_plan_entry_year_school_package',
                              ['school_year', 'school_id', 'package_id', 'groep'], unique=False)
        batch_op.drop_index('ix_plan_entry_year_school')


def downgrade():
    with op.batch_alter_table('plan_entry', schema=None) as batch_op:
        batch_op.create_index('ix_plan_entry_year_school', ['school_year', 'school_id'], unique=False)
        batch_op.drop_index('ix_plan_entry_year_school_package')
