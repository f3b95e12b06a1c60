"""package_experience: teachers' experiences with a package (rating, groep, text), moderated by its network

Revision ID: b21d4e6a8c20
Revises: a21c0e5f7b10
Create Date: 2026-12-01 23:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b21d4e6a8c20'
down_revision = 'a21c0e5f7b10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'package_experience',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('package_id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('groep', sa.Integer(), nullable=False),
        sa.Column('rating', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('moderated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('moderated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['moderated_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['package_id'], ['lesson_package.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('package_experience', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_experience_package_id'), ['package_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_package_experience_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_package_experience_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('package_experience', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_package_experience_status'))
        batch_op.drop_index(batch_op.f('ix_package_experience_school_id'))
        batch_op.drop_index(batch_op.f('ix_package_experience_package_id'))
    op.drop_table('package_experience')
