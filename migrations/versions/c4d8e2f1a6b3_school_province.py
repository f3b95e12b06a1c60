"""School province (from DUO's PROVINCIE column)

Revision ID: c4d8e2f1a6b3
Revises: b4e8d2a6c1f3
Create Date: 2026-12-02 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c4d8e2f1a6b3"
down_revision = "b4e8d2a6c1f3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("province", sa.String(length=2), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_column("province")
