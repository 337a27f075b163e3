"""Audit entries carry the request id that their log lines carry

Revision ID: f1c2a9b7d403
Revises: 8d3366587aff
Create Date: 2026-12-04 15:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'f1c2a9b7d403'
down_revision = '8d3366587aff'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: a batch copy of the table would meet its append-only triggers.
    op.add_column('audit_log', sa.Column('request_id', sa.String(length=64), nullable=True))


def downgrade():
    op.drop_column('audit_log', 'request_id')
