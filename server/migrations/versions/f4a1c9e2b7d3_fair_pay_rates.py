"""Carers' pay for the fair-pay report: hourly rates on providers and workers, and whether travel is paid

Revision ID: f4a1c9e2b7d3
Revises: f1c2a9b7d403
Create Date: 2026-12-04 15:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'f4a1c9e2b7d3'
down_revision = 'f1c2a9b7d403'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hourly_rate_minor', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pays_travel', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hourly_rate_minor', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_column('hourly_rate_minor')
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.drop_column('pays_travel')
        batch_op.drop_column('hourly_rate_minor')
