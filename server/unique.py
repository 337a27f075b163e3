"""Inserts guarded by a unique key, where a retry, a repeated scan or a racing writer may have been first."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from server.extensions import db


def insert_once(row) -> bool:
    """Add and flush the row in a savepoint: True, or False with nothing written when its unique key is taken."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return False
    return True
