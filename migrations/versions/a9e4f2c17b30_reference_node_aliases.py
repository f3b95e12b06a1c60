"""reference node aliases (identifiers SLO deprecated), SLO's current kerndoel ids, an id for every node

Revision ID: a9e4f2c17b30
Revises: 2b249df97c65
Create Date: 2026-12-01 22:55:00.000000

Data: kerndoel 40 and 43 move to SLO's current UUIDs (the deprecated ones become aliases), and every reference
node without a UUID gets the stable uuid5 of its framework key and code (references.services.derived_uuid).
"""
import uuid
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9e4f2c17b30'
down_revision = '2b249df97c65'
branch_labels = None
depends_on = None

REFERENCE_NAMESPACE = uuid.UUID("4b1d5c0e-8f2a-5e36-9a47-0c9d3e2b7f15")  # references.services
REPLACED = {  # deprecated by SLO on 2022-02-17 -> current
    "d803cf62-cf7e-404c-b650-8c7543534b6d": "2de22d5b-8896-4338-a202-519119b58c56",
    "efc344e0-4651-4c07-ad61-0091cb7aa69f": "ae2a7b51-65e1-4186-b4ec-8355dba8cb80",
}


def upgrade():
    op.create_table('reference_node_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['node_id'], ['reference_node.id'], name=op.f('fk_reference_node_alias_node_id_reference_node'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_node_alias')),
    sa.UniqueConstraint('uuid', name=op.f('uq_reference_node_alias_uuid'))
    )
    with op.batch_alter_table('reference_node_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reference_node_alias_node_id'), ['node_id'], unique=False)

    bind = op.get_bind()
    node = sa.table('reference_node', sa.column('id', sa.Integer), sa.column('uuid', sa.String),
                    sa.column('code', sa.String), sa.column('framework_id', sa.Integer))
    framework = sa.table('reference_framework', sa.column('id', sa.Integer), sa.column('key', sa.String))
    alias = sa.table('reference_node_alias', sa.column('node_id', sa.Integer), sa.column('uuid', sa.String),
                     sa.column('note', sa.String), sa.column('created_at', sa.DateTime(timezone=True)))
    now = datetime.now(timezone.utc)
    taken = set(bind.execute(sa.select(node.c.uuid).where(node.c.uuid.is_not(None))).scalars())
    for node_id, old in bind.execute(sa.select(node.c.id, node.c.uuid).where(node.c.uuid.in_(list(REPLACED)))).all():
        if REPLACED[old] in taken:
            continue
        bind.execute(node.update().where(node.c.id == node_id).values(uuid=REPLACED[old]))
        bind.execute(alias.insert().values(node_id=node_id, uuid=old, created_at=now,
                                           note="deprecated by the publisher; still used elsewhere"))
    rows = bind.execute(sa.select(node.c.id, node.c.code, framework.c.key)
                        .join(framework, framework.c.id == node.c.framework_id)
                        .where(node.c.uuid.is_(None))).all()
    for node_id, code, key in rows:
        bind.execute(node.update().where(node.c.id == node_id)
                     .values(uuid=str(uuid.uuid5(REFERENCE_NAMESPACE, f"{key}/{code}"))))


def downgrade():
    with op.batch_alter_table('reference_node_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reference_node_alias_node_id'))

    op.drop_table('reference_node_alias')
