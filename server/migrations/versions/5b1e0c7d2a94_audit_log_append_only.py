"""The audit log refuses updates and deletes on PostgreSQL

Revision ID: 5b1e0c7d2a94
Revises: cac569c5f0c0
Create Date: 2026-12-01 20:30:00

"""
from alembic import op

from server.audit.models import APPEND_ONLY_FUNCTION, APPEND_ONLY_TRIGGER

revision = '5b1e0c7d2a94'
down_revision = 'cac569c5f0c0'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_context().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)


def downgrade():
    if op.get_context().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER audit_log_append_only ON audit_log')
        op.execute('DROP FUNCTION audit_log_append_only()')
