"""Each user's language for the PWA and API messages (en or cy)

Revision ID: b7e21c4a9f30
Revises: f1a2b3c4d5e6
Create Date: 2026-12-04 15:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b7e21c4a9f30'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        # Null until the person chooses: their device's or browser's language serves until then.
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
