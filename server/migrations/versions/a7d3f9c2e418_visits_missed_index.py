"""A small index of missed visits, holding what the missed report reads of them

Revision ID: a7d3f9c2e418
Revises: e5b93d0c7a12
Create Date: 2026-12-05 02:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a7d3f9c2e418'
down_revision = 'e5b93d0c7a12'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_visits_missed', 'visits', ['contract_id', 'planned_start'], unique=False,
                    postgresql_include=['id', 'client_id', 'provider_id', 'planned_minutes'],
                    postgresql_where=sa.text("status = 'missed'"), sqlite_where=sa.text("status = 'missed'"))


def downgrade():
    op.drop_index('ix_visits_missed', table_name='visits')
