"""What is in the database, read on a connection of its own so the test session's cache cannot hide a write."""
from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in key order: equal snapshots mean nothing was inserted, changed or deleted."""
    with db.engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
            for table in db.metadata.sorted_tables
        }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))
