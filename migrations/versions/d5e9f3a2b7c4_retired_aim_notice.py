"""retired_aim_notice: which (package, retired main-aim goal) pairs the package's network was told about

Revision ID: d5e9f3a2b7c4
Revises: c4d8e2f1a6b3
Create Date: 2026-12-02 03:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "d5e9f3a2b7c4"
down_revision = "c4d8e2f1a6b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "retired_aim_notice",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_retired_aim_notice_goal_id_goal"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["package_id"], ["lesson_package.id"],
                                name=op.f("fk_retired_aim_notice_package_id_lesson_package"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("package_id", "goal_id", name=op.f("pk_retired_aim_notice")),
    )
    with op.batch_alter_table("retired_aim_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retired_aim_notice_goal_id"), ["goal_id"], unique=False)


def downgrade():
    with op.batch_alter_table("retired_aim_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retired_aim_notice_goal_id"))
    op.drop_table("retired_aim_notice")
