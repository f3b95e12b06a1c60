"""reference frameworks, reference nodes and the crosswalk to goals

Revision ID: c3e8a1f40b62
Revises: 2fa19a96b479
Create Date: 2026-11-25 12:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e8a1f40b62'
down_revision = '2fa19a96b479'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reference_framework',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('publisher', sa.String(length=100), nullable=False),
    sa.Column('version', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('phase_system', sa.String(length=20), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_framework')),
    sa.UniqueConstraint('key', name=op.f('uq_reference_framework_key'))
    )
    op.create_table('reference_node',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('short_title', sa.String(length=200), nullable=False),
    sa.Column('official_text', sa.Text(), nullable=True),
    sa.Column('deprecated', sa.Boolean(), nullable=False),
    sa.Column('replaced_by_uuid', sa.String(length=36), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['framework_id'], ['reference_framework.id'], name=op.f('fk_reference_node_framework_id_reference_framework'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['parent_id'], ['reference_node.id'], name=op.f('fk_reference_node_parent_id_reference_node'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_node')),
    sa.UniqueConstraint('framework_id', 'code', name=op.f('uq_reference_node_framework_id')),
    sa.UniqueConstraint('uuid', name=op.f('uq_reference_node_uuid'))
    )
    with op.batch_alter_table('reference_node', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reference_node_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_reference_node_parent_id'), ['parent_id'], unique=False)

    op.create_table('crosswalk_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_crosswalk_link_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_crosswalk_link_goal_id_goal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['node_id'], ['reference_node.id'], name=op.f('fk_crosswalk_link_node_id_reference_node'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crosswalk_link')),
    sa.UniqueConstraint('goal_id', 'node_id', name=op.f('uq_crosswalk_link_goal_id'))
    )
    with op.batch_alter_table('crosswalk_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crosswalk_link_node_id'), ['node_id'], unique=False)


def downgrade():
    with op.batch_alter_table('crosswalk_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crosswalk_link_node_id'))
    op.drop_table('crosswalk_link')
    with op.batch_alter_table('reference_node', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reference_node_parent_id'))
        batch_op.drop_index(batch_op.f('ix_reference_node_code'))
    op.drop_table('reference_node')
    op.drop_table('reference_framework')
