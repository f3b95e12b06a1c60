"""reference frameworks from CASE packages: the CFDocument identifier, the package as it came, mirroring

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
        batch_op.add_column(sa.Column('mirror_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('mirror_etag', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('mirror_modified', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('mirror_checked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('mirror_error', sa.String(length=500), server_default='', nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_reference_framework_case_identifier'), ['case_identifier'])

    op.create_table('reference_framework_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('report', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['reference_framework.id'], name=op.f('fk_reference_framework_version_framework_id_reference_framework'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_framework_version')),
    sa.UniqueConstraint('framework_id', 'number', name=op.f('uq_reference_framework_version_framework_id'))
    )
    with op.batch_alter_table('reference_framework_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reference_framework_version_framework_id'), ['framework_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reference_framework_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reference_framework_version_framework_id'))

    op.drop_table('reference_framework_version')
    with op.batch_alter_table('reference_framework', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_reference_framework_case_identifier'), type_='unique')
        batch_op.drop_column('mirror_error')
        batch_op.drop_column('mirror_checked_at')
        batch_op.drop_column('mirror_modified')
        batch_op.drop_column('mirror_etag')
        batch_op.drop_column('mirror_url')
        batch_op.drop_column('case_package')
        batch_op.drop_column('case_identifier')
