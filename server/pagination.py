"""Keyset cursors: stable pages over lists that grow while they are read."""
from __future__ import annotations

import base64
import json
from datetime import datetime

from sqlalchemy import and_, or_

from server.errors import invalid
from server.i18n import _
from server.schemas import MAX_KEY


def encode_cursor(moment: datetime, row_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([moment.isoformat(), row_id]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        moment, row_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        moment = datetime.fromisoformat(moment)
    except (ValueError, TypeError):
        moment, row_id = None, None
    # Only what encode_cursor writes: a naive time or an out-of-range key would fail in the database instead.
    if moment is None or moment.tzinfo is None or type(row_id) is not int or not 0 <= row_id <= MAX_KEY:
        raise invalid("cursor", _("Not a cursor from this list"))
    return moment, row_id


def page(session, stmt, time_col, id_col, cursor: str | None, limit: int):
    """Rows ordered by (time, id) after the cursor, and the cursor for the next page."""
    if cursor:
        moment, row_id = decode_cursor(cursor)
        stmt = stmt.where(or_(time_col > moment, and_(time_col == moment, id_col > row_id)))
    rows = list(session.scalars(stmt.order_by(time_col, id_col).limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(getattr(rows[-1], time_col.key), getattr(rows[-1], id_col.key)) if more else None
    return rows, next_cursor
