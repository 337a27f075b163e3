"""Queueing an event for every webhook that wants it, in the transaction of the change it reports.

Callers (the monitoring scans, check-out, alerts, period closing) call publish() before their commit, so a
change that is rolled back sends nothing, and a committed change is sent by the outbox however the
process fares after. This module imports no other domain, so any of them may call it.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import or_, select

from server.extensions import db
from server.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery

# Each owner's webhooks as read once for a batch of changes (hooks_read_once), or None outside one.
_read: ContextVar[dict[tuple, list] | None] = ContextVar("webhooks_read", default=None)


def message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def envelope(event_type: str, at: datetime, data: dict) -> dict:
    """The Standard Webhooks payload shape: the type, when it happened, and its data."""
    return {"type": event_type, "timestamp": at.isoformat(), "data": data}


def enqueue(webhook_id: int, event_type: str, at: datetime, data: dict, now: datetime) -> WebhookDelivery:
    delivery = WebhookDelivery(
        webhook_id=webhook_id,
        message_id=message_id(),
        event_type=event_type,
        payload=envelope(event_type, at, data),
        status=DeliveryStatus.PENDING,
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(delivery)
    return delivery


def publish(event_type: str, data: Callable[[], dict], *, at: datetime, now: datetime, provider_id: int | None = None,
            council_id: int | None = None) -> int:
    """Queue the event for the active webhooks of the provider and of the council that subscribe to it;
    the number queued. `data` is called only when some webhook wants the event, so an event nobody hears
    costs one small query."""
    owners = [column == owner for column, owner in ((Webhook.provider_id, provider_id),
                                                    (Webhook.council_id, council_id)) if owner is not None]
    if not owners:
        return 0
    hooks = _hooks(owners, (provider_id, council_id))
    wanted = [hook_id for hook_id, events in hooks if event_type in events]
    body = data() if wanted else None
    for hook_id in wanted:
        enqueue(hook_id, event_type, at, body, now)
    return len(wanted)


@contextmanager
def hooks_read_once() -> Iterator[None]:
    """Within it, each owner's webhooks are read once: a phone's batch completing many visits asks once, not
    once a visit (and each read would first flush the batch's changes so far)."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


def _hooks(owners: list, owner_ids: tuple) -> list:
    read = _read.get()
    if read is not None and owner_ids in read:
        return read[owner_ids]
    hooks = db.session.execute(select(Webhook.id, Webhook.events).where(Webhook.active.is_(True), or_(*owners))).all()
    if read is not None:
        read[owner_ids] = hooks
    return hooks
