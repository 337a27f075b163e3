"""Feed rejections: refused feed items counted by provider, sending system, kind, reason and hour

Revision ID: 2cea6d2e8536
Revises: e3a9c4d17b52
Create Date: 2026-12-03 18:00:00

"""
import sqlalchemy as sa
from alembic import op

import server.db_types

revision = '2cea6d2e8536'
down_revision = 'e3a9c4d17b52'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('feed_rejections',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('provider_id', BIG_ID, nullable=False),
    sa.Column('source_system', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('hour', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_feed_rejections_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_rejections')),
    sa.UniqueConstraint('provider_id', 'source_system', 'kind', 'reason', 'hour', name='uq_feed_rejections_bucket')
    )


def downgrade():
    op.drop_table('feed_rejections')
