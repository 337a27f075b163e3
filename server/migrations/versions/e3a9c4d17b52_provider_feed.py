"""Provider feed: API clients, providers' external references, and the source system of visit events

Revision ID: e3a9c4d17b52
Revises: cc833467054b
Create Date: 2026-12-03 15:00:00

"""
import sqlalchemy as sa
from alembic import op

import server.db_types

revision = 'e3a9c4d17b52'
down_revision = 'cc833467054b'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('api_clients',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('provider_id', BIG_ID, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('client_id', sa.String(length=40), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('token_version', sa.Integer(), nullable=False),
    sa.Column('created_by', BIG_ID, nullable=False),
    sa.Column('created_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rotated_at', server.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', server.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_api_clients_created_by_users')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_api_clients_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_clients')),
    sa.UniqueConstraint('client_id', name=op.f('uq_api_clients_client_id'))
    )
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_clients_provider_id'), ['provider_id'], unique=False)

    op.create_table('external_refs',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('provider_id', BIG_ID, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('external_ref', sa.String(length=64), nullable=False),
    sa.Column('record_id', BIG_ID, nullable=False),
    sa.Column('source_system', sa.String(length=100), nullable=False),
    sa.Column('created_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_external_refs_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_refs')),
    sa.UniqueConstraint('provider_id', 'kind', 'external_ref', name='uq_external_refs_provider_ref')
    )

    with op.batch_alter_table('visit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_system', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('visit_events', schema=None) as batch_op:
        batch_op.drop_column('source_system')
    op.drop_table('external_refs')
    op.drop_table('api_clients')
