"""The provider's message log: every message the outbox holds about its visits on a local day, delivered,
waiting or failed, for coordinators to see what families and the on-call contact were told.

Recipients are redacted (an address or number shows only enough to tell two apart): the log is read on
a shared office screen, and the full contact details are on the client's record for those who need them.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from server.auth.models import User
from server.directory.models import Client
from server.extensions import db
from server.notify.models import UNDELIVERED, Channel, Notification, NotificationStatus
from server.pagination import page
from server.timeutil import local_day_bounds
from server.visits.models import Visit

# What a coordinator asks about, and the outbox statuses behind each.
STATES = {
    "delivered": (NotificationStatus.SENT,),
    "pending": (NotificationStatus.PENDING, NotificationStatus.SENDING),
    "failed": tuple(UNDELIVERED),
    "suppressed": (NotificationStatus.SUPPRESSED,),
}
STATE_OF = {status: state for state, statuses in STATES.items() for status in statuses}


def redact(channel: str, recipient: str) -> str:
    """"s•••@lakeland.demo", "•••• 123" for a phone; a push subscription is a device, named as such."""
    if channel == Channel.PUSH:
        return "app"
    if channel == Channel.EMAIL and "@" in recipient:
        name, domain = recipient.rsplit("@", 1)
        return f"{name[:1]}•••@{domain}"
    digits = [c for c in recipient if c.isdigit()]
    return f"•••• {''.join(digits[-3:])}" if len(digits) > 3 else "••••"


def _of_day(provider_id: int, day: date, tz: str):
    start, end = local_day_bounds(day, tz)
    return (select(Notification).join(Visit, Visit.id == Notification.visit_id)
            .where(Visit.provider_id == provider_id, Notification.created_at >= start, Notification.created_at < end))


def counts(provider_id: int, day: date, tz: str) -> dict[str, int]:
    """How many of the day's messages are in each state."""
    stmt = _of_day(provider_id, day, tz).with_only_columns(Notification.status, func.count()).group_by(
        Notification.status)
    found = dict.fromkeys(STATES, 0)
    for status, n in db.session.execute(stmt):
        found[STATE_OF.get(status, "pending")] += n
    return found


def messages(provider_id: int, day: date, tz: str, state: str, cursor: str | None, limit: int):
    """The day's messages in one state (or all), oldest first, each with its client, visit time, state,
    redacted recipient and the recipient's name where the message went to a user."""
    stmt = _of_day(provider_id, day, tz)
    if state != "all":
        stmt = stmt.where(Notification.status.in_(STATES[state]))
    rows, next_cursor = page(db.session, stmt, Notification.created_at, Notification.id, cursor, limit)
    visits = {v.id: v for v in db.session.execute(
        select(Visit.id, Visit.planned_start, Client.name).join(Client, Client.id == Visit.client_id)
        .where(Visit.id.in_({r.visit_id for r in rows})))} if rows else {}
    users = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_({r.user_id for r in rows if r.user_id}))).all()) if rows else {}
    for row in rows:
        row.client_name, row.visit_start = visits[row.visit_id].name, visits[row.visit_id].planned_start
        row.state, row.recipient_shown = STATE_OF.get(row.status, "pending"), redact(row.channel, row.recipient)
        row.recipient_name = users.get(row.user_id)
    return rows, next_cursor
