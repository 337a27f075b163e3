"""What is in the database, read on a connection of its own so the test session's cache cannot hide a write."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select

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


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """The SQL statements the app's engine sends within the block, in order."""
    sent = []

    def keep(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
