"""Service codes on care packages and visits, for payers' exports (EVV) and payment rules

Revision ID: abf0d054666d
Revises: 2cea6d2e8536
Create Date: 2026-12-03 18:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'abf0d054666d'
down_revision = '2cea6d2e8536'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('care_packages', 'visits'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('service_code', sa.String(length=32), nullable=True))


def downgrade():
    for table in ('visits', 'care_packages'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('service_code')
