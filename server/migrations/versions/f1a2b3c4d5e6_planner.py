"""The planner: carers' travel mode, skills, gender, hours and leave; clients' needs and refusals; the
contract's flex on start times; and planning jobs

Revision ID: f1a2b3c4d5e6
Revises: b5e2f7a9c314
Create Date: 2026-12-04 16:00:00

"""
import sqlalchemy as sa
from alembic import op

import server.db_types

revision = 'f1a2b3c4d5e6'
down_revision = 'b5e2f7a9c314'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
EMPTY_LIST = sa.text("'[]'")


def upgrade():
    op.create_table('plans',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('provider_id', BIG_ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_by', BIG_ID, nullable=True),
    sa.Column('created_at', server.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', server.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', server.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_at', server.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by', BIG_ID, nullable=True),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_plans_provider_id_providers')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_plans_created_by_users')),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_plans_published_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index('ix_plans_provider_created', ['provider_id', 'created_at'], unique=False)
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('travel_mode', sa.String(length=24), server_default='car', nullable=False))
        batch_op.add_column(sa.Column('gender', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('skills', sa.JSON(), server_default=EMPTY_LIST, nullable=False))
        batch_op.add_column(sa.Column('working_hours', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('unavailable_dates', sa.JSON(), server_default=EMPTY_LIST, nullable=False))
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('required_skills', sa.JSON(), server_default=EMPTY_LIST, nullable=False))
        batch_op.add_column(sa.Column('carer_gender', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('excluded_worker_ids', sa.JSON(), server_default=EMPTY_LIST, nullable=False))
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_flex_minutes', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_column('plan_flex_minutes')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        for name in ('excluded_worker_ids', 'carer_gender', 'required_skills'):
            batch_op.drop_column(name)
    with op.batch_alter_table('workers', schema=None) as batch_op:
        for name in ('unavailable_dates', 'working_hours', 'skills', 'gender', 'travel_mode'):
            batch_op.drop_column(name)
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index('ix_plans_provider_created')
    op.drop_table('plans')
