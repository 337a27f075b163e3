"""Who commissions, who delivers, who receives care, and who may watch."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db_types import BigId, UTCDateTime, utcnow
from server.extensions import db

# A worker's gender, where a client asks for a carer of one (clients.carer_gender).
GENDERS = ("female", "male")


class Council(db.Model):
    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    # Whose public holidays take the bank-holiday rate (payments/calendar.py), plus days the council declares.
    holiday_calendar: Mapped[str] = mapped_column(String(16), default="GB-ENG")
    extra_holidays: Mapped[list] = mapped_column(JSON, default=list)
    # ISO 4217 code and its minor unit's digits: amounts are whole minor units (pence, cents).
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    minor_unit: Mapped[int] = mapped_column(default=2)


class Provider(db.Model):
    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Who gets escalated missed-visit alerts out of hours (email address or phone number).
    on_call_contact: Mapped[str | None] = mapped_column(String(254))
    # What the provider pays its carers, for the fair-pay report: the usual hourly rate (minor units; a
    # worker's own rate wins) and whether travel time between visits is paid at that rate.
    hourly_rate_minor: Mapped[int | None]
    pays_travel: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The office's phone number, for carers to call from the run screen with one tap.
    office_phone: Mapped[str | None] = mapped_column(String(32))


class Contract(db.Model):
    """A council's agreement with one provider: its payment rules and its monitoring thresholds."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    reference: Mapped[str] = mapped_column(String(64))
    payment_rule_set: Mapped[str] = mapped_column(String(64), default="actual-by-minute")
    geofence_radius_m: Mapped[int] = mapped_column(default=150)
    accuracy_limit_m: Mapped[int] = mapped_column(default=100)
    early_minutes: Mapped[int] = mapped_column(default=30)
    late_minutes: Mapped[int] = mapped_column(default=30)
    missed_minutes: Mapped[int] = mapped_column(default=60)
    no_checkout_minutes: Mapped[int] = mapped_column(default=60)
    # Flag thresholds (visits/flags.py): short under this % of planned, overrun beyond planned + these minutes.
    short_percent: Mapped[int] = mapped_column(default=90)
    overrun_minutes: Mapped[int] = mapped_column(default=0)
    # Pay held until a coordinator accepts the visit: outside the geofence, or shorter than this % of planned
    # (0 never holds a short visit).
    hold_outside_geofence: Mapped[bool] = mapped_column(default=True)
    hold_short_below_percent: Mapped[int] = mapped_column(default=50)
    # The client or a family member confirms each visit on the carer's phone at check-out (PIN or signature).
    require_client_confirmation: Mapped[bool] = mapped_column(default=False)
    # Check-out is refused while a dose due at the visit has no record (medication/checkout.py).
    require_doses_before_checkout: Mapped[bool] = mapped_column(default=False)
    # Minutes either side of the planned start the planner may move a visit; None takes plan_flex_minutes.
    plan_flex_minutes: Mapped[int | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]

    council: Mapped[Council] = relationship(lazy="joined")
    provider: Mapped[Provider] = relationship(lazy="joined")


class Worker(db.Model):
    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    staff_ref: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    # The carer's hourly rate (minor units), where it differs from the provider's.
    hourly_rate_minor: Mapped[int | None]
    # Last fix reported by the worker's phone, for travel predictions and the roster map.
    last_lat: Mapped[float | None] = mapped_column(Float)
    last_lon: Mapped[float | None] = mapped_column(Float)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the planner needs (server/planner): how they travel (server/travel MODES), what they may do, and when
    # they work. working_hours maps ISO weekday "1".."7" to {"start": "HH:MM", "end": "HH:MM", "breaks":
    # [["HH:MM", "HH:MM"], ...]} in local time; None works the configured plan day every day; a day not listed is
    # off. unavailable_dates lists ISO dates of leave and sickness.
    travel_mode: Mapped[str] = mapped_column(String(24), default="car", server_default="car")
    gender: Mapped[str | None] = mapped_column(String(16))
    skills: Mapped[list] = mapped_column(JSON, default=list)
    working_hours: Mapped[dict | None] = mapped_column(JSON)
    unavailable_dates: Mapped[list] = mapped_column(JSON, default=list)

    # The worker's own login (users.worker_id), shown to the admin beside the worker.
    login = relationship("User", primaryjoin="User.worker_id == Worker.id", foreign_keys="User.worker_id",
                         uselist=False, viewonly=True, lazy="selectin")


class Client(db.Model):
    """A service user, commissioned under one contract (and so one provider and council)."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(400))
    postcode: Mapped[str | None] = mapped_column(String(16))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    access_notes: Mapped[str | None] = mapped_column(Text)
    # Overrides the contract's radius for this home (a farm, a block of flats).
    geofence_radius_m: Mapped[int | None]
    # Argon2 hash of the PIN the family set for confirming visits.
    confirmation_pin_hash: Mapped[str | None] = mapped_column(String(200))
    # The client agrees that their family may see which doses were given or refused.
    medication_shared_with_family: Mapped[bool] = mapped_column(default=False)
    # The client agrees that their family may read the care log: tasks done, outcome progress, shareable notes.
    share_care_log_with_family: Mapped[bool] = mapped_column(default=False)
    # The planner sends only carers holding every required skill, of the gender asked for (GENDERS), and
    # never a carer the client will not have in their home.
    required_skills: Mapped[list] = mapped_column(JSON, default=list)
    carer_gender: Mapped[str | None] = mapped_column(String(16))
    excluded_worker_ids: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract: Mapped[Contract] = relationship(lazy="joined")


class FamilyLink(db.Model):
    """A family user's right to see one client, and how they want to be told of delays."""

    __tablename__ = "family_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    relationship_label: Mapped[str | None] = mapped_column(String(64))
    channels: Mapped[list] = mapped_column(JSON, default=lambda: ["email"])
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    # Local times "HH:MM"; no notifications between them (delays still shown in the app).
    quiet_from: Mapped[str | None] = mapped_column(String(5))
    quiet_to: Mapped[str | None] = mapped_column(String(5))
    opted_out: Mapped[bool] = mapped_column(default=False)

    user = relationship("User", viewonly=True, lazy="joined")
