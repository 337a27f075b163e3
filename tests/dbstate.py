"""What is in the database, read on a connection of its own so the test session's cache cannot hide a write."""
from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db


def snapshot(*leave_out: str) -> dict[str, list[tuple]]:
    """Every row of every table but those left out, in key order: equal snapshots mean nothing was inserted,
    changed or deleted."""
    with db.engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
            for table in db.metadata.sorted_tables if table.name not in leave_out
        }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))
