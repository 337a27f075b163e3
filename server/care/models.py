"""What a client has agreed to achieve and how their care is commissioned and patterned."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import BigId, UTCDateTime, utcnow
from server.extensions import db


class Outcome(db.Model):
    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CarePackage(db.Model):
    """Commissioned minutes per week; flex_weeks > 1 lets them balance over that many weeks."""

    __tablename__ = "care_packages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    weekly_minutes: Mapped[int]
    flex_weeks: Mapped[int] = mapped_column(default=1)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    # The payer's code for the service commissioned (HCPCS "T1019", "S5125"); its visits take it unless they set one.
    service_code: Mapped[str | None] = mapped_column(String(32))
    # Reablement: short-term care meant to be reduced or ended by planned_end_on, to planned_weekly_minutes
    # from the next day (0 = ended); payment by outcomes counts the packages reduced on time.
    reablement: Mapped[bool] = mapped_column(default=False)
    planned_end_on: Mapped[date | None]
    planned_weekly_minutes: Mapped[int | None]
    # Indicative weekly budget in the council's minor unit, paid whatever the minutes under the weekly-budget model.
    weekly_budget_minor: Mapped[int | None] = mapped_column(BigInteger)


class VisitPattern(db.Model):
    """A recurring call, e.g. daily 08:00 for 30 minutes with 2 carers, in the council's local time."""

    __tablename__ = "visit_patterns"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    # ISO weekdays the call runs on, e.g. [1, 2, 3, 4, 5, 6, 7].
    weekdays: Mapped[list] = mapped_column(JSON)
    start_time: Mapped[str] = mapped_column(String(5))
    duration_minutes: Mapped[int]
    carers_required: Mapped[int] = mapped_column(default=1)
    tasks: Mapped[list] = mapped_column(JSON, default=list)
    # Workers usually assigned, in carer order; generation copies them onto each visit.
    worker_ids: Mapped[list] = mapped_column(JSON, default=list)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
