"""Payment by outcomes: reablement plans and weekly budgets on care packages, outcome reviews

Revision ID: b7e41c9d2a60
Revises: f4a1c9e2b7d3
Create Date: 2026-12-04 15:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b7e41c9d2a60'
down_revision = 'f4a1c9e2b7d3'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    with op.batch_alter_table('care_packages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reablement', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('planned_end_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('planned_weekly_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('weekly_budget_minor', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('care_packages', schema=None) as batch_op:
        batch_op.alter_column('reablement', server_default=None)
    op.create_table(
        'outcome_reviews',
        sa.Column('id', BIG_ID, nullable=False),
        sa.Column('client_id', BIG_ID, nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('created_by', BIG_ID, nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('done_by', BIG_ID, nullable=True),
        sa.ForeignKeyConstraint(['client_id'], ['clients.id']),
        sa.ForeignKeyConstraint(['created_by'], ['users.id']),
        sa.ForeignKeyConstraint(['done_by'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_outcome_reviews_client_due', 'outcome_reviews', ['client_id', 'due_on'], unique=False)


def downgrade():
    op.drop_index('ix_outcome_reviews_client_due', table_name='outcome_reviews')
    op.drop_table('outcome_reviews')
    with op.batch_alter_table('care_packages', schema=None) as batch_op:
        batch_op.drop_column('weekly_budget_minor')
        batch_op.drop_column('planned_weekly_minutes')
        batch_op.drop_column('planned_end_on')
        batch_op.drop_column('reablement')
