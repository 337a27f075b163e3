"""Payable time v2: councils' holiday calendar, extra days and currency; overrun approved in minutes; arrival geofence

Revision ID: 9e607c702e38
Revises: c54e0385b23b
Create Date: 2026-12-03 18:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '9e607c702e38'
down_revision = 'c54e0385b23b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holiday_calendar', sa.String(length=16), nullable=False,
                                      server_default='GB-ENG'))
        batch_op.add_column(sa.Column('extra_holidays', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('currency', sa.String(length=3), nullable=False, server_default='GBP'))
        batch_op.add_column(sa.Column('minor_unit', sa.Integer(), nullable=False, server_default='2'))
    with op.batch_alter_table('visit_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrival_geofence', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('overrun_approved_minutes', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('visit_corrections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approve_overrun_minutes', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('visit_corrections', schema=None) as batch_op:
        batch_op.drop_column('approve_overrun_minutes')
    with op.batch_alter_table('visit_assignments', schema=None) as batch_op:
        batch_op.drop_column('overrun_approved_minutes')
        batch_op.drop_column('arrival_geofence')
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.drop_column('minor_unit')
        batch_op.drop_column('currency')
        batch_op.drop_column('extra_holidays')
        batch_op.drop_column('holiday_calendar')
