"""Webhooks of providers and councils, and the outbox of their deliveries

Revision ID: d6c019b93a16
Revises: abf0d054666d
Create Date: 2026-12-03 18:30:00

"""
import sqlalchemy as sa
from alembic import op

import server.db_types

revision = 'd6c019b93a16'
down_revision = 'abf0d054666d'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('webhooks',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('provider_id', BIG_ID, nullable=True),
    sa.Column('council_id', BIG_ID, nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('secret_encrypted', sa.Text(), nullable=False),
    sa.Column('created_by', BIG_ID, nullable=False),
    sa.Column('created_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rotated_at', server.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(provider_id IS NULL) <> (council_id IS NULL)', name=op.f('ck_webhooks_one_owner')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_webhooks_council_id_councils')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_webhooks_created_by_users')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_webhooks_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhooks'))
    )
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhooks_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhooks_provider_id'), ['provider_id'], unique=False)

    op.create_table('webhook_deliveries',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('webhook_id', BIG_ID, nullable=False),
    sa.Column('message_id', sa.String(length=40), nullable=False),
    sa.Column('event_type', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=400), nullable=True),
    sa.Column('created_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempted_at', server.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', server.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['webhook_id'], ['webhooks.id'], name=op.f('fk_webhook_deliveries_webhook_id_webhooks'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    sa.UniqueConstraint('message_id', name=op.f('uq_webhook_deliveries_message_id'))
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_webhook_deliveries_webhook', ['webhook_id', 'created_at', 'id'], unique=False)


def downgrade():
    op.drop_table('webhook_deliveries')
    op.drop_table('webhooks')
