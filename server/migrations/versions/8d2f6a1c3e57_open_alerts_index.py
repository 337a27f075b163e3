"""Index of open alerts by when they were raised, for the scans

Revision ID: 8d2f6a1c3e57
Revises: 5b1e0c7d2a94
Create Date: 2026-12-01 21:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '8d2f6a1c3e57'
down_revision = '5b1e0c7d2a94'
branch_labels = None
depends_on = None

OPEN = sa.text('resolved_at IS NULL')


def upgrade():
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('ix_alerts_open_raised', ['raised_at'], unique=False,
                              postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade():
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_alerts_open_raised')
