"""Index of open check-ins per carer, for delay prediction

Revision ID: cac569c5f0c0
Revises: 4970a36c2aac
Create Date: 2026-11-23 07:31:39.598508

"""
import sqlalchemy as sa
from alembic import op

revision = 'cac569c5f0c0'
down_revision = '4970a36c2aac'
branch_labels = None
depends_on = None

OPEN_CHECK_IN = sa.text('checked_in_at IS NOT NULL AND checked_out_at IS NULL AND removed_at IS NULL')


def upgrade():
    with op.batch_alter_table('visit_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_visit_assignments_open_check_in', ['worker_id'], unique=False,
                              postgresql_where=OPEN_CHECK_IN, sqlite_where=OPEN_CHECK_IN)


def downgrade():
    with op.batch_alter_table('visit_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_assignments_open_check_in')
