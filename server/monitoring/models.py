"""Alerts for coordinators, and the lock that keeps one scheduler in charge."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import BigId, UTCDateTime
from server.extensions import db


class AlertKind(StrEnum):
    LATE = "late"
    MISSED = "missed"
    PREDICTED_DELAY = "predicted_delay"
    NO_CHECKOUT = "no_checkout"
    OUTSIDE_GEOFENCE = "outside_geofence"
    TIME_CRITICAL_DOSE = "time_critical_dose"


ALERT_KINDS = frozenset(AlertKind)
# Alerts that say nobody has come yet: a check-in, however late, ends them.
WAITING = frozenset({AlertKind.LATE, AlertKind.MISSED, AlertKind.PREDICTED_DELAY})


class Alert(db.Model):
    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_provider_open", "provider_id", "resolved_at", "acknowledged_at"),
        # The scans' way in: only open alerts, by when they were raised, however many are resolved.
        Index("ix_alerts_open_raised", "raised_at", postgresql_where=text("resolved_at IS NULL"),
              sqlite_where=text("resolved_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # "<visit>:<kind>:<worker or 0>": a scan that runs twice, or two that race, raise it once.
    dedupe_key: Mapped[str] = mapped_column(String(80), unique=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(String(400))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expected_arrival: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SchedulerLock(db.Model):
    """SQLite's stand-in for PostgreSQL's advisory lock: a lease the holder keeps renewing."""

    __tablename__ = "scheduler_locks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
