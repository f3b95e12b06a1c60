"""outside materials planned like packages: lesson_package.kind ('eigen' | 'extern') and
external_material.external_package_id (the package of kind 'extern' made on the material's first planning)

Revision ID: a7c3e9f1b2d4
Revises: d5e9f3a2b7c4
Create Date: 2026-12-03 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a7c3e9f1b2d4"
down_revision = "d5e9f3a2b7c4"
branch_labels = None
depends_on = None


def upgrade():
    # Every existing package is a network's own: the server default fills the column.
    with op.batch_alter_table("lesson_package", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=10), server_default="eigen", nullable=False))
    with op.batch_alter_table("external_material", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_package_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_external_material_external_package_id"),
                                          ["external_package_id"])
        batch_op.create_foreign_key(batch_op.f("fk_external_material_external_package_id_lesson_package"),
                                    "lesson_package", ["external_package_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("external_material", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_external_material_external_package_id_lesson_package"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_external_material_external_package_id"), type_="unique")
        batch_op.drop_column("external_package_id")
    with op.batch_alter_table("lesson_package", schema=None) as batch_op:
        batch_op.drop_column("kind")
