"""Inserts guarded by a unique key, where a retry, a repeated scan or a racing writer may have been first."""
from __future__ import annotations

from functools import cache

from sqlalchemy import inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from server.extensions import db

# INSERT ... ON CONFLICT DO NOTHING in each database Caremon runs on.
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_once(row) -> bool:
    """Add and flush the row in a savepoint: True, or False with nothing written when its unique key is taken."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return False
    return True


def insert_unless_taken(model, values: dict):
    """The row made of these column values, inserted and now in the session; or None, with nothing written, when
    one of its unique keys is taken.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING id, where insert_once needs a savepoint round an ORM flush:
    the path a phone waits on (a check-in) takes this one. The record handed back is built from the values and
    joined to the session as the stored row, so later changes to it are saved as for any loaded record; a column
    left out of the values is read back if it is used.
    """
    db.session.flush()  # the row may refer to records not written yet
    row_id = db.session.connection().execute(_insert_statement(model, db.session.get_bind().dialect.name),
                                             values).scalar()
    if row_id is None:
        return None
    record = model(id=row_id, **values)
    make_transient_to_detached(record)
    # SQLite hands out the id of a row rolled back with its savepoint again: the session may still hold that row.
    stale = db.session.identity_map.get(inspect(record).key)
    if stale is not None:
        db.session.expunge(stale)
    db.session.add(record)
    return record


@cache
def _insert_statement(model, dialect: str):
    return _INSERTS[dialect](model).on_conflict_do_nothing().returning(model.id)
