"""Medication lists, versions and dose records (eMAR); contract and client options

Revision ID: a7d3e91c5f20
Revises: 9e607c702e38
Create Date: 2026-12-03 18:06:35

"""
import sqlalchemy as sa
from alembic import op

import server.db_types

revision = 'a7d3e91c5f20'
down_revision = '9e607c702e38'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('medications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_medications_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_medications'))
    )
    with op.batch_alter_table('medications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_medications_client_id'), ['client_id'], unique=False)

    op.create_table('medication_versions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('medication_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('dmd_code', sa.String(length=18), nullable=True),
    sa.Column('strength', sa.String(length=100), nullable=True),
    sa.Column('dose', sa.String(length=100), nullable=False),
    sa.Column('route', sa.String(length=16), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=True),
    sa.Column('times', sa.JSON(), nullable=False),
    sa.Column('visit_pattern_ids', sa.JSON(), nullable=False),
    sa.Column('weekdays', sa.JSON(), nullable=True),
    sa.Column('time_critical', sa.Boolean(), nullable=False),
    sa.Column('prn', sa.Boolean(), nullable=False),
    sa.Column('prn_max_per_day', sa.Integer(), nullable=True),
    sa.Column('prn_min_interval_minutes', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=400), nullable=True),
    sa.Column('changed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['users.id'], name=op.f('fk_medication_versions_changed_by_users')),
    sa.ForeignKeyConstraint(['medication_id'], ['medications.id'], name=op.f('fk_medication_versions_medication_id_medications')),  # noqa: E501
    sa.PrimaryKeyConstraint('id', name=op.f('pk_medication_versions')),
    sa.UniqueConstraint('medication_id', 'number', name='uq_medication_versions_number')
    )
    with op.batch_alter_table('medication_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_medication_versions_medication_id'), ['medication_id'], unique=False)

    op.create_table('dose_records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('idempotency_key', sa.String(length=36), nullable=False),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('visit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('medication_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slot', sa.String(length=8), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('prn_reason', sa.Text(), nullable=True),
    sa.Column('prn_effect', sa.Text(), nullable=True),
    sa.Column('prn_effect_at', server.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('worker_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('administered_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('clock_offset_s', sa.Float(), nullable=True),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_dose_records_client_id_clients')),
    sa.ForeignKeyConstraint(['medication_id'], ['medications.id'], name=op.f('fk_dose_records_medication_id_medications')),  # noqa: E501
    sa.ForeignKeyConstraint(['version_id'], ['medication_versions.id'], name=op.f('fk_dose_records_version_id_medication_versions')),  # noqa: E501
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_dose_records_visit_id_visits')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_dose_records_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dose_records')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_dose_records_idempotency_key')),
    sa.UniqueConstraint('visit_id', 'medication_id', 'slot', name='uq_dose_records_visit_medication_slot')
    )
    with op.batch_alter_table('dose_records', schema=None) as batch_op:
        batch_op.create_index('ix_dose_records_client_administered', ['client_id', 'administered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dose_records_medication_id'), ['medication_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dose_records_visit_id'), ['visit_id'], unique=False)

    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('medication_shared_with_family', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('require_doses_before_checkout', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_column('require_doses_before_checkout')

    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('medication_shared_with_family')

    with op.batch_alter_table('dose_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dose_records_visit_id'))
        batch_op.drop_index(batch_op.f('ix_dose_records_medication_id'))
        batch_op.drop_index('ix_dose_records_client_administered')

    op.drop_table('dose_records')
    with op.batch_alter_table('medication_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_medication_versions_medication_id'))

    op.drop_table('medication_versions')
    with op.batch_alter_table('medications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_medications_client_id'))

    op.drop_table('medications')
