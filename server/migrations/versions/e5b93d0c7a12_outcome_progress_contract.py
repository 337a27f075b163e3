"""Outcome scores carry their visit's contract; stored KPI days are counted again, now with the flag figures

Revision ID: e5b93d0c7a12
Revises: c4d8e2a61f07
Create Date: 2026-12-05 01:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'e5b93d0c7a12'
down_revision = 'c4d8e2a61f07'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    with op.batch_alter_table('outcome_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contract_id', BIG_ID, nullable=True))
    op.execute("UPDATE outcome_progress SET contract_id = "
               "(SELECT visits.contract_id FROM visits WHERE visits.id = outcome_progress.visit_id)")
    with op.batch_alter_table('outcome_progress', schema=None) as batch_op:
        batch_op.alter_column('contract_id', existing_type=BIG_ID, nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_outcome_progress_contract_id_contracts'), 'contracts',
                                    ['contract_id'], ['id'])
        batch_op.create_index('ix_outcome_progress_contract_recorded', ['contract_id', 'recorded_at'], unique=False)
    # Days stored before the flags report read them lack its figures: the next read (or the scheduler's
    # refresh_councils) counts them again from the visits.
    op.execute("DELETE FROM report_days")


def downgrade():
    with op.batch_alter_table('outcome_progress', schema=None) as batch_op:
        batch_op.drop_index('ix_outcome_progress_contract_recorded')
        batch_op.drop_constraint(batch_op.f('fk_outcome_progress_contract_id_contracts'), type_='foreignkey')
        batch_op.drop_column('contract_id')
