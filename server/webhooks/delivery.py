"""Sending queued webhook deliveries: signed as Standard Webhooks says, retried with the notification outbox's
backoff, never sent to a host that has turned private.

Each attempt is claimed ("sending", committed) before the request and settled after. A 2xx answer delivers;
any other answer, a timeout or a refused connection is retried, waiting twice as long each time up to
webhooks_backoff_max_s, until webhooks_max_attempts make it failed. A URL whose host now resolves inside the
network fails at once. A row a crash left "sending" goes back to the queue: receivers drop a repeat by its
webhook-id, which every attempt of a delivery shares.

The signature's timestamp is the moment of the request, as receivers compare it with their own clock.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import requests
from sqlalchemy import select, update
from standardwebhooks import Webhook as Signer

from server.db_types import utcnow
from server.extensions import db
from server.notify.sender import Undeliverable, backoff, claim
from server.webhooks import urls
from server.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery
from server.webhooks.secrets import unseal

USER_AGENT = "Caremon-Webhooks/1"
STALE_AFTER = timedelta(minutes=10)


def signed_request(delivery: WebhookDelivery, secret: str, sent_at: datetime) -> tuple[bytes, dict]:
    """The body and the headers of one attempt."""
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    return body.encode(), {
        "Content-Type": "application/json", "User-Agent": USER_AGENT,
        "webhook-id": delivery.message_id, "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Signer(secret).sign(delivery.message_id, sent_at, body),
    }


def post(webhook: Webhook, delivery: WebhookDelivery, settings: dict) -> int:
    """One attempt; the receiver's status code. Redirects are not followed: their target was never checked."""
    urls.check(webhook.url, settings)
    body, headers = signed_request(delivery, unseal(webhook.secret_encrypted), utcnow())
    response = requests.post(webhook.url, data=body, headers=headers, timeout=settings["webhooks_timeout_s"],
                             allow_redirects=False)
    response.close()
    return response.status_code


def attempt(delivery: WebhookDelivery, webhook: Webhook, settings: dict, now: datetime) -> str:
    """Send a claimed delivery and record how it went; its new status."""
    try:
        delivery.last_status_code = code = post(webhook, delivery, settings)
    except Exception as exc:  # any failure of the request is retried, unless no retry can help
        delivery.last_status_code, error, final = None, f"{type(exc).__name__}: {exc}", isinstance(exc, Undeliverable)
    else:
        if 200 <= code < 300:
            delivery.status, delivery.delivered_at, delivery.last_error = DeliveryStatus.DELIVERED, now, None
            return DeliveryStatus.DELIVERED
        error, final = f"HTTP {code}", False
    delivery.last_error = error[:400]
    if final or delivery.attempts >= settings["webhooks_max_attempts"]:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now + backoff(delivery.attempts, settings["webhooks_backoff_s"],
                                                 settings["webhooks_backoff_max_s"])
    return delivery.status


def drain(settings: dict, now: datetime, *, limit: int = 200) -> dict:
    """Send what is due, to active webhooks only (a paused webhook's deliveries wait for it); counts by outcome."""
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.status == DeliveryStatus.SENDING, WebhookDelivery.attempted_at < now - STALE_AFTER)
        .values(status=DeliveryStatus.PENDING)
    )
    db.session.commit()
    due = db.session.scalars(
        select(WebhookDelivery.id)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            Webhook.active.is_(True),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    ).all()
    counts = {DeliveryStatus.DELIVERED: 0, DeliveryStatus.PENDING: 0, DeliveryStatus.FAILED: 0}
    for delivery_id in due:
        outcome = send_one(delivery_id, settings, now)
        if outcome is not None:
            counts[outcome] += 1
    return counts


def send_one(delivery_id: int, settings: dict, now: datetime) -> str | None:
    """Claim, send and settle one pending delivery, committing each step; its new status, or None when another
    sender had claimed it."""
    if not claim(WebhookDelivery, delivery_id, now):
        return None
    delivery = db.session.get(WebhookDelivery, delivery_id)
    outcome = attempt(delivery, db.session.get(Webhook, delivery.webhook_id), settings, now)
    db.session.commit()
    return outcome
