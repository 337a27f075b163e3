"""Messages the outbox gave up on or cannot vouch for, shown to the provider's coordinators to send again.

"failed" rows ran out of attempts; "uncertain" rows were in flight when a sender died, so the
message may or may not have arrived. Neither is resent automatically; a person decides.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.audit.service import record
from server.directory.models import Client
from server.errors import ApiError, not_found
from server.extensions import db
from server.i18n import _
from server.notify.models import UNDELIVERED, Notification, NotificationStatus
from server.pagination import page
from server.visits.models import Visit


def list_undelivered(provider_id: int, status: str, cursor: str | None, limit: int):
    """The provider's undelivered messages, oldest first, each with its client's name."""
    statuses = UNDELIVERED if status == "all" else (status,)
    stmt = select(Notification).join(Visit, Visit.id == Notification.visit_id).where(
        Visit.provider_id == provider_id, Notification.status.in_(statuses))
    rows, next_cursor = page(db.session, stmt, Notification.created_at, Notification.id, cursor, limit)
    names = dict(db.session.execute(select(Visit.id, Client.name).join(Client, Client.id == Visit.client_id)
                                    .where(Visit.id.in_({r.visit_id for r in rows}))).all())
    for row in rows:
        row.client_name = names[row.visit_id]
    return rows, next_cursor


def get_undelivered(provider_id: int, notification_id: int) -> Notification:
    row = db.session.get(Notification, notification_id)
    visit = db.session.get(Visit, row.visit_id) if row is not None and row.visit_id is not None else None
    if visit is None or visit.provider_id != provider_id:
        raise not_found(_("Notification not found"))
    row.client_name = visit.client.name
    return row


def retry(row: Notification, *, user_id: int, reason: str, now: datetime) -> Notification:
    """Back to the outbox with a fresh set of attempts; the audit log keeps who, why and what went before."""
    if row.status not in UNDELIVERED:
        raise ApiError(409, "not_undelivered",
                       _("This notification is %(status)s, not failed or uncertain", status=row.status))
    record("notification.retry", "notification", row.id, user_id=user_id, now=now, reason=reason,
           status=row.status, attempts=row.attempts, last_error=row.last_error)
    row.status, row.attempts, row.next_attempt_at = NotificationStatus.PENDING, 0, now
    return row
