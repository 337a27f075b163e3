"""Effects of as-required doses sent from phones, kept by idempotency key

Revision ID: d9fdcb5f2ed2
Revises: a7d3e91c5f20
Create Date: 2026-12-03 19:40:00

"""
import sqlalchemy as sa
from alembic import op

import server.db_types

revision = 'd9fdcb5f2ed2'
down_revision = 'a7d3e91c5f20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dose_effects',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('idempotency_key', sa.String(length=36), nullable=False),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('dose_record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('effect', sa.Text(), nullable=False),
    sa.Column('worker_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('recorded_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['dose_record_id'], ['dose_records.id'],
                            name=op.f('fk_dose_effects_dose_record_id_dose_records')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_dose_effects_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dose_effects')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_dose_effects_idempotency_key'))
    )
    with op.batch_alter_table('dose_effects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dose_effects_dose_record_id'), ['dose_record_id'], unique=False)


def downgrade():
    with op.batch_alter_table('dose_effects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dose_effects_dose_record_id'))

    op.drop_table('dose_effects')
