"""Writing the audit log; the caller's transaction carries it, so a change and its record land together."""
from __future__ import annotations

from datetime import datetime

from server.audit.models import AuditEntry
from server.extensions import db


def record(action: str, object_type: str, object_id, *, user_id: int | None, now: datetime, **details) -> AuditEntry:
    entry = AuditEntry(
        at=now, user_id=user_id, action=action, object_type=object_type,
        object_id=None if object_id is None else str(object_id), details=details,
    )
    db.session.add(entry)
    return entry
