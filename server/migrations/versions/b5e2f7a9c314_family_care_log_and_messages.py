"""The family's care log consent, the provider's office phone, and families' messages to the office

Revision ID: b5e2f7a9c314
Revises: ad69f7cefa51
Create Date: 2026-12-04 15:40:00

"""
import sqlalchemy as sa
from alembic import op

import server.db_types

revision = 'b5e2f7a9c314'
down_revision = 'ad69f7cefa51'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_care_log_with_family', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_phone', sa.String(length=32), nullable=True))

    op.create_table('family_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('client_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('provider_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', server.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('read_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_family_messages_client_id_clients')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_family_messages_provider_id_providers')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_family_messages_user_id_users')),
    sa.ForeignKeyConstraint(['read_by'], ['users.id'], name=op.f('fk_family_messages_read_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_messages'))
    )
    with op.batch_alter_table('family_messages', schema=None) as batch_op:
        batch_op.create_index('ix_family_messages_provider_created', ['provider_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_messages_client_id'), ['client_id'], unique=False)


def downgrade():
    with op.batch_alter_table('family_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_messages_client_id'))
        batch_op.drop_index('ix_family_messages_provider_created')
    op.drop_table('family_messages')
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.drop_column('office_phone')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('share_care_log_with_family')
