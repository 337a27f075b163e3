"""KPI figures stored per contract and local day, and the notes of visits changed since their day was counted

Revision ID: c4d8e2a61f07
Revises: b7e21c4a9f30
Create Date: 2026-12-04 22:20:00

"""
import sqlalchemy as sa
from alembic import op

import server.db_types

revision = 'c4d8e2a61f07'
down_revision = 'b7e21c4a9f30'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    # Empty tables: every day is counted from the visits the first time a report asks for it.
    op.create_table('report_days',
    sa.Column('contract_id', BIG_ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('contract_id', 'day', name=op.f('pk_report_days'))
    )
    op.create_table('report_changes',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('contract_id', BIG_ID, nullable=False),
    sa.Column('planned_start', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_changes'))
    )
    op.create_index('ix_report_changes_contract_planned_start', 'report_changes', ['contract_id', 'planned_start'])
    op.create_table('report_day_counts',
    sa.Column('contract_id', BIG_ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('figure', sa.String(length=40), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('contract_id', 'day', 'figure', name=op.f('pk_report_day_counts'))
    )
    op.create_table('report_client_days',
    sa.Column('contract_id', BIG_ID, nullable=False),
    sa.Column('span', sa.String(length=5), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('client_id', BIG_ID, nullable=False),
    sa.Column('seconds', sa.BigInteger(), nullable=False),
    sa.Column('visits', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('contract_id', 'span', 'day', 'client_id', name=op.f('pk_report_client_days'))
    )
    op.create_table('report_attendance_days',
    sa.Column('contract_id', BIG_ID, nullable=False),
    sa.Column('span', sa.String(length=5), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('client_id', BIG_ID, nullable=False),
    sa.Column('worker_id', BIG_ID, nullable=False),
    sa.Column('attendances', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('contract_id', 'span', 'day', 'client_id', 'worker_id',
                            name=op.f('pk_report_attendance_days'))
    )


def downgrade():
    op.drop_table('report_attendance_days')
    op.drop_table('report_client_days')
    op.drop_table('report_day_counts')
    op.drop_index('ix_report_changes_contract_planned_start', table_name='report_changes')
    op.drop_table('report_changes')
    op.drop_table('report_days')
