"""Texts received from care workers through the provider's SMS gateway."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import BigId, UTCDateTime
from server.extensions import db


class SmsOutcome(StrEnum):
    """What became of a text: an event stored, or why not."""

    RECORDED = "recorded"
    UNKNOWN_SENDER = "unknown_sender"
    NOT_UNDERSTOOD = "not_understood"
    UNKNOWN_CODE = "unknown_code"
    NO_VISIT = "no_visit"


class InboundSms(db.Model):
    """One text as the gateway delivered it; its message id makes a redelivery a no-op."""

    __tablename__ = "inbound_sms"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    gateway_message_id: Mapped[str] = mapped_column(String(100), unique=True)
    sender: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(String(480))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("visit_events.id"))
    outcome: Mapped[str] = mapped_column(String(16))
    reply: Mapped[str] = mapped_column(String(480))
