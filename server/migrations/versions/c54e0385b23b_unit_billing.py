"""Unit billing: service codes on visits and care packages, service authorisations, visit maintenance

Revision ID: c54e0385b23b
Revises: c188e8dd5970
Create Date: 2026-12-03 18:10:00

"""
import sqlalchemy as sa
from alembic import op

import server.db_types

revision = 'c54e0385b23b'
down_revision = 'c188e8dd5970'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('service_authorisations',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('contract_id', BIG_ID, nullable=False),
    sa.Column('client_id', BIG_ID, nullable=False),
    sa.Column('service_code', sa.String(length=32), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', BIG_ID, nullable=False),
    sa.Column('created_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_service_authorisations_client_id_clients')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'],
                            name=op.f('fk_service_authorisations_contract_id_contracts')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_service_authorisations_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_authorisations'))
    )
    with op.batch_alter_table('service_authorisations', schema=None) as batch_op:
        batch_op.create_index('ix_service_authorisations_client_code', ['client_id', 'service_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_authorisations_contract_id'), ['contract_id'], unique=False)

    op.create_table('visit_maintenance',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('visit_id', BIG_ID, nullable=False),
    sa.Column('worker_id', BIG_ID, nullable=False),
    sa.Column('bill_start', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('bill_end', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason_code', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', BIG_ID, nullable=False),
    sa.Column('created_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_visit_maintenance_created_by_users')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_maintenance_visit_id_visits')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_visit_maintenance_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_maintenance'))
    )
    with op.batch_alter_table('visit_maintenance', schema=None) as batch_op:
        batch_op.create_index('ix_visit_maintenance_visit_worker', ['visit_id', 'worker_id', 'id'], unique=False)


def downgrade():
    op.drop_table('visit_maintenance')
    op.drop_table('service_authorisations')
