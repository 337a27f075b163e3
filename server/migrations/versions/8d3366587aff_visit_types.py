"""Visit types on visits, for rule sets that pay a fixed fee per type of visit

Revision ID: 8d3366587aff
Revises: d9fdcb5f2ed2
Create Date: 2026-12-03 19:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '8d3366587aff'
down_revision = 'd9fdcb5f2ed2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_type', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_column('visit_type')
