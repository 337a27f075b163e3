"""Draining the outbox: retries with capped exponential backoff, and no double sends after a crash.

Each attempt is committed as "sending" before the channel is called, and the result is
committed after. A failure goes back to "pending" with next_attempt_at doubled each time,
up to backoff_max_s, so a channel that is down for hours still loses nothing before
max_attempts; a channel that knows no retry can help (a push endpoint inside a private network) raises
Undeliverable, and the row fails at once. The at-least-once window is exactly one row: a crash after the channel
accepted a message and before "sent" was committed leaves that row "sending"; rows not yet
claimed stay "pending" and go on the next drain. A row left "sending" is never sent again
automatically (that could tell a family twice); after `stale_after` it becomes "uncertain".
Failed and uncertain rows are listed for the provider's coordinators to check and retry
(server/notify/undelivered.py), so nothing is dropped silently.

Family messages are checked against the relative's wishes as they are when sent, not as
they were when queued: quiet hours defer them, an opt-out suppresses them.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from server.extensions import db
from server.notify.messages import deliverable_at
from server.notify.models import Notification, NotificationStatus


class Undeliverable(Exception):
    """Raised by a channel for a message no retry would deliver: it fails at once, for coordinators to see."""


def backoff(attempts: int, backoff_s: int, backoff_max_s: int) -> timedelta:
    """The wait after the given number of failed attempts: doubling from backoff_s, capped at backoff_max_s."""
    return timedelta(seconds=min(backoff_max_s, backoff_s * 2 ** (attempts - 1)))


def claim(model, row_id: int, now: datetime) -> bool:
    """Move an outbox row (notification or webhook delivery) from pending to sending, counting the attempt, and
    commit: of two senders racing for it, only one gets True."""
    claimed = db.session.execute(
        update(model)
        .where(model.id == row_id, model.status == NotificationStatus.PENDING)
        .values(status=NotificationStatus.SENDING, attempts=model.attempts + 1, attempted_at=now)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def drain(channels: dict, now: datetime, *, max_attempts: int = 20, backoff_s: int = 30, backoff_max_s: int = 900,
          limit: int = 200, stale_after: timedelta = timedelta(minutes=10)) -> dict:
    db.session.execute(update(Notification).where(
        Notification.status == NotificationStatus.SENDING, Notification.attempted_at < now - stale_after).values(
        status=NotificationStatus.UNCERTAIN))
    db.session.commit()
    due = db.session.scalars(select(Notification.id).where(
        Notification.status == NotificationStatus.PENDING, Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id).limit(limit)).all()
    counts = {"sent": 0, "retry": 0, "failed": 0, "deferred": 0, "suppressed": 0}
    for notification_id in due:
        at = deliverable_at(db.session.get(Notification, notification_id), now)
        if at is None or at > now:
            change = {"status": NotificationStatus.SUPPRESSED} if at is None else {"next_attempt_at": at}
            db.session.execute(update(Notification).where(
                Notification.id == notification_id, Notification.status == NotificationStatus.PENDING).values(**change))
            db.session.commit()
            counts["suppressed" if at is None else "deferred"] += 1
            continue
        if not claim(Notification, notification_id, now):
            continue
        row = db.session.get(Notification, notification_id)
        try:
            channels[row.channel].send(row)
        except Exception as exc:  # any channel failure is retried, whatever its type, unless Undeliverable
            row.last_error = f"{type(exc).__name__}: {exc}"[:400]
            if isinstance(exc, Undeliverable) or row.attempts >= max_attempts:
                row.status = NotificationStatus.FAILED
                counts["failed"] += 1
            else:
                row.status = NotificationStatus.PENDING
                row.next_attempt_at = now + backoff(row.attempts, backoff_s, backoff_max_s)
                counts["retry"] += 1
        else:
            row.status, row.sent_at = NotificationStatus.SENT, now
            counts["sent"] += 1
        db.session.commit()
    return counts
