"""package_adoption: a package copied from another network's package, with the source's state at copy time

Revision ID: c21e7f9b0d30
Revises: b21d4e6a8c20
Create Date: 2026-12-01 23:25:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c21e7f9b0d30'
down_revision = 'b21d4e6a8c20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'package_adoption',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('package_id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=True),
        sa.Column('source_snapshot', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['package_id'], ['lesson_package.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['source_id'], ['lesson_package.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('package_id'),
    )
    with op.batch_alter_table('package_adoption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_adoption_source_id'), ['source_id'], unique=False)


def downgrade():
    with op.batch_alter_table('package_adoption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_package_adoption_source_id'))
    op.drop_table('package_adoption')
