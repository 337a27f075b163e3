"""Writing the audit log: mostly in the caller's transaction, so a change and its record land together."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert

from server.audit.models import AuditEntry
from server.extensions import db
from server.observability.context import request_id


def record_at_once(action: str, object_type: str, object_id, *, user_id: int | None, now: datetime, **details) -> int:
    """An entry committed now on a connection of its own, leaving the caller's session and its objects untouched."""
    with db.engine.begin() as conn:
        return conn.execute(insert(AuditEntry).values(
            at=now, user_id=user_id, action=action, object_type=object_type,
            object_id=None if object_id is None else str(object_id), details=details, request_id=request_id(),
        )).inserted_primary_key[0]


def record(action: str, object_type: str, object_id, *, user_id: int | None, now: datetime, **details) -> AuditEntry:
    entry = AuditEntry(
        at=now, user_id=user_id, action=action, object_type=object_type,
        object_id=None if object_id is None else str(object_id), details=details, request_id=request_id(),
    )
    db.session.add(entry)
    return entry
