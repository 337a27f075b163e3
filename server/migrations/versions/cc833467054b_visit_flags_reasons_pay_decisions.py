"""Visit flags, reasons and pay decisions; flag thresholds and pay holds per contract; reason codes per council

Revision ID: cc833467054b
Revises: b7f88c1cdc26
Create Date: 2026-12-03 14:00:00

"""
import sqlalchemy as sa
from alembic import op

from server.db_types import UTCDateTime

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

revision = 'cc833467054b'
down_revision = 'b7f88c1cdc26'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_percent', sa.Integer(), nullable=False, server_default='90'))
        batch_op.add_column(sa.Column('overrun_minutes', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('hold_outside_geofence', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.add_column(sa.Column('hold_short_below_percent', sa.Integer(), nullable=False,
                                      server_default='50'))
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flags', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('reasons', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('pay_decision', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('pay_decision_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('pay_decided_by', BigId, nullable=True))
        batch_op.add_column(sa.Column('pay_decided_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(op.f('fk_visits_pay_decided_by_users'), 'users', ['pay_decided_by'], ['id'])
    with op.batch_alter_table('visit_exceptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_code', sa.String(length=32), nullable=True))
    op.create_table(
        'reason_codes',
        sa.Column('id', BigId, nullable=False),
        sa.Column('council_id', BigId, nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('external_code', sa.String(length=64), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_reason_codes_council_id_councils')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reason_codes')),
        sa.UniqueConstraint('council_id', 'code', name='uq_reason_codes_council_code'),
    )


def downgrade():
    op.drop_table('reason_codes')
    with op.batch_alter_table('visit_exceptions', schema=None) as batch_op:
        batch_op.drop_column('reason_code')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_constraint('fk_visits_pay_decided_by_users', type_='foreignkey')
        for column in ('pay_decided_at', 'pay_decided_by', 'pay_decision_note', 'pay_decision', 'reasons', 'flags'):
            batch_op.drop_column(column)
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        for column in ('hold_short_below_percent', 'hold_outside_geofence', 'overrun_minutes', 'short_percent'):
            batch_op.drop_column(column)
