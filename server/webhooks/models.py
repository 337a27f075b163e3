"""Webhook endpoints registered by a provider or a council, and the outbox of their deliveries."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import BigId, UTCDateTime, utcnow
from server.extensions import db

VISIT_LATE, VISIT_MISSED, VISIT_COMPLETED = "visit.late", "visit.missed", "visit.completed"
ALERT_RAISED, PERIOD_CLOSED = "alert.raised", "period.closed"
EVENT_TYPES = (VISIT_LATE, VISIT_MISSED, VISIT_COMPLETED, ALERT_RAISED, PERIOD_CLOSED)
# Sent only by POST /webhooks/<id>/test, whatever the webhook subscribes to.
PING = "webhook.ping"



class DeliveryStatus(StrEnum):
    """pending → sending → delivered; a failed attempt goes back to pending with a later next_attempt_at until
    max attempts make it failed. Receivers deduplicate by webhook-id, so a row left sending by a crash is sent again."""

    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Webhook(db.Model):
    """An endpoint of one provider or one council (exactly one of the two owns it).

    The signing secret must be readable to sign, so it is kept encrypted with a key derived from the
    app's secret key (server/webhooks/secrets.py), never in plain text."""

    __tablename__ = "webhooks"
    __table_args__ = (CheckConstraint("(provider_id IS NULL) <> (council_id IS NULL)", name="one_owner"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookDelivery(db.Model):
    """One event for one webhook: its body as signed and sent, and how its attempts went."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
                      Index("ix_webhook_deliveries_webhook", "webhook_id", "created_at", "id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    # The webhook-id header: the same on every attempt, so a receiver can drop a repeat.
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    event_type: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
