"""reference frameworks from CASE packages: the CFDocument identifier and the package as it came

Revision ID: b3d5e7f9a1c2
Revises: a9e4f2c17b30
Create Date: 2026-12-01 23:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d5e7f9a1c2'
down_revision = 'a9e4f2c17b30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reference_framework', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_identifier', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('case_package', sa.Text(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_reference_framework_case_identifier'), ['case_identifier'])


def downgrade():
    with op.batch_alter_table('reference_framework', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_reference_framework_case_identifier'), type_='unique')
        batch_op.drop_column('case_package')
        batch_op.drop_column('case_identifier')
