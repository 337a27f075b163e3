"""Presence without GPS: tags in clients' homes, texts from workers, how each event showed presence and its
verdict, per-client geofence radius, client confirmation of visits

Revision ID: c188e8dd5970
Revises: d6c019b93a16
Create Date: 2026-12-03 18:10:00

"""
import sqlalchemy as sa
from alembic import op

from server.db_types import UTCDateTime

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

revision = 'c188e8dd5970'
down_revision = 'd6c019b93a16'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('require_client_confirmation', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('geofence_radius_m', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmation_pin_hash', sa.String(length=200), nullable=True))
    with op.batch_alter_table('visit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=8), nullable=False, server_default='gps'))
        batch_op.add_column(sa.Column('verdict', sa.String(length=12), nullable=False, server_default='none'))
    with op.batch_alter_table('visit_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_in_method', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('check_out_method', sa.String(length=8), nullable=True))
    # Every event so far showed presence by its fix.
    op.execute("UPDATE visit_events SET verdict = geofence")
    op.execute("UPDATE visit_assignments SET check_in_method = 'gps' WHERE check_in_geofence IS NOT NULL")
    op.execute("UPDATE visit_assignments SET check_out_method = 'gps' WHERE check_out_geofence IS NOT NULL")
    op.create_table(
        'client_tags',
        sa.Column('id', BigId, nullable=False),
        sa.Column('client_id', BigId, nullable=False),
        sa.Column('provider_id', BigId, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=8), nullable=False),
        sa.Column('issued_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('issued_by', BigId, nullable=False),
        sa.Column('revoked_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('revoked_by', BigId, nullable=True),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_tags_client_id_clients')),
        sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_client_tags_provider_id_providers')),
        sa.ForeignKeyConstraint(['issued_by'], ['users.id'], name=op.f('fk_client_tags_issued_by_users')),
        sa.ForeignKeyConstraint(['revoked_by'], ['users.id'], name=op.f('fk_client_tags_revoked_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_client_tags')),
        sa.UniqueConstraint('client_id', 'version', name='uq_client_tags_client_version'),
        sa.UniqueConstraint('provider_id', 'code', name='uq_client_tags_provider_code'),
    )
    op.create_index(op.f('ix_client_tags_client_id'), 'client_tags', ['client_id'], unique=False)
    op.create_table(
        'inbound_sms',
        sa.Column('id', BigId, nullable=False),
        sa.Column('gateway_message_id', sa.String(length=100), nullable=False),
        sa.Column('sender', sa.String(length=32), nullable=False),
        sa.Column('body', sa.String(length=480), nullable=False),
        sa.Column('received_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('worker_id', BigId, nullable=True),
        sa.Column('event_id', BigId, nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('reply', sa.String(length=480), nullable=False),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_inbound_sms_worker_id_workers')),
        sa.ForeignKeyConstraint(['event_id'], ['visit_events.id'], name=op.f('fk_inbound_sms_event_id_visit_events')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_sms')),
        sa.UniqueConstraint('gateway_message_id', name=op.f('uq_inbound_sms_gateway_message_id')),
    )
    op.create_index(op.f('ix_inbound_sms_worker_id'), 'inbound_sms', ['worker_id'], unique=False)
    op.create_table(
        'visit_confirmations',
        sa.Column('id', BigId, nullable=False),
        sa.Column('event_id', BigId, nullable=False),
        sa.Column('visit_id', BigId, nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('verified', sa.Boolean(), nullable=False),
        sa.Column('signature_png', sa.LargeBinary(), nullable=True),
        sa.Column('signer_name', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['visit_events.id'],
                                name=op.f('fk_visit_confirmations_event_id_visit_events')),
        sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_confirmations_visit_id_visits')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_confirmations')),
        sa.UniqueConstraint('event_id', name=op.f('uq_visit_confirmations_event_id')),
    )
    op.create_index(op.f('ix_visit_confirmations_visit_id'), 'visit_confirmations', ['visit_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_visit_confirmations_visit_id'), table_name='visit_confirmations')
    op.drop_table('visit_confirmations')
    op.drop_index(op.f('ix_inbound_sms_worker_id'), table_name='inbound_sms')
    op.drop_table('inbound_sms')
    op.drop_index(op.f('ix_client_tags_client_id'), table_name='client_tags')
    op.drop_table('client_tags')
    with op.batch_alter_table('visit_assignments', schema=None) as batch_op:
        batch_op.drop_column('check_out_method')
        batch_op.drop_column('check_in_method')
    with op.batch_alter_table('visit_events', schema=None) as batch_op:
        batch_op.drop_column('verdict')
        batch_op.drop_column('method')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('confirmation_pin_hash')
        batch_op.drop_column('geofence_radius_m')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_column('require_client_confirmation')
