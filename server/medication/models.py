"""A client's medicines, each a chain of versions, and the record of every dose at a visit."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db_types import BigId, UTCDateTime, utcnow
from server.extensions import db

ROUTES = ("oral", "sublingual", "buccal", "inhaled", "topical", "transdermal", "eye", "ear", "nasal", "rectal",
          "vaginal", "subcutaneous", "intramuscular", "enteral_tube", "other")


class DoseOutcome(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    NOT_AVAILABLE = "not_available"
    ALREADY_TAKEN = "already_taken"
    NOT_GIVEN = "not_given"


# A dose due at the visit itself (a pattern's visit) rather than at a local time of day.
VISIT_SLOT = "visit"
# The MAR chart's letters, one per outcome (G for given; the others as care homes' charts print them).
CHART_CODES = {DoseOutcome.GIVEN: "G", DoseOutcome.REFUSED: "R", DoseOutcome.NOT_AVAILABLE: "N",
               DoseOutcome.ALREADY_TAKEN: "A", DoseOutcome.NOT_GIVEN: "O"}


class Medication(db.Model):
    """One medicine on one client's list; what it is and when it is due lives in its versions."""

    __tablename__ = "medications"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[MedicationVersion]] = relationship(
        back_populates="medication", order_by="MedicationVersion.number", lazy="selectin")


class MedicationVersion(db.Model):
    """The medicine as prescribed from starts_on; a later version supersedes it from that version's own start.

    Never edited: a change is a new version saying who made it and why, so a chart for any past
    month shows what the carers were asked to give then.
    """

    __tablename__ = "medication_versions"
    __table_args__ = (UniqueConstraint("medication_id", "number", name="uq_medication_versions_number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    medication_id: Mapped[int] = mapped_column(ForeignKey("medications.id"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    # NHS dictionary of medicines and devices (dm+d) concept id, when known.
    dmd_code: Mapped[str | None] = mapped_column(String(18))
    strength: Mapped[str | None] = mapped_column(String(100))
    dose: Mapped[str] = mapped_column(String(100))
    route: Mapped[str] = mapped_column(String(16))
    instructions: Mapped[str | None] = mapped_column(Text)
    # Local times "HH:MM" it is due at (the nearest visit that day), and patterns whose visits it is due at.
    times: Mapped[list] = mapped_column(JSON, default=list)
    visit_pattern_ids: Mapped[list] = mapped_column(JSON, default=list)
    # ISO weekdays it is due on; None for every day.
    weekdays: Mapped[list | None] = mapped_column(JSON)
    time_critical: Mapped[bool] = mapped_column(default=False)
    # "As required": never due, given when needed, within these limits.
    prn: Mapped[bool] = mapped_column(default=False)
    prn_max_per_day: Mapped[int | None]
    prn_min_interval_minutes: Mapped[int | None]
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    reason: Mapped[str | None] = mapped_column(String(400))
    changed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    medication: Mapped[Medication] = relationship(back_populates="versions")
    author = relationship("User", lazy="joined")


class DoseRecord(db.Model):
    """What a carer did about one dose at one visit. Stored once per idempotency key, and once per due dose."""

    __tablename__ = "dose_records"
    __table_args__ = (
        # A scheduled dose is recorded once however many carers or phones try; PRN doses (slot NULL) repeat.
        UniqueConstraint("visit_id", "medication_id", "slot", name="uq_dose_records_visit_medication_slot"),
        Index("ix_dose_records_client_administered", "client_id", "administered_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    medication_id: Mapped[int] = mapped_column(ForeignKey("medications.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("medication_versions.id"))
    # "HH:MM" or "visit" for a scheduled dose; None for an as-required one.
    slot: Mapped[str | None] = mapped_column(String(8))
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    prn_reason: Mapped[str | None] = mapped_column(Text)
    prn_effect: Mapped[str | None] = mapped_column(Text)
    prn_effect_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    administered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    device_id: Mapped[str | None] = mapped_column(String(64))
    clock_offset_s: Mapped[float | None] = mapped_column(Float)
    flags: Mapped[list] = mapped_column(JSON, default=list)

    version: Mapped[MedicationVersion] = relationship(lazy="joined")


class DoseEffect(db.Model):
    """The effect of an as-required dose as a phone sent it, kept by its idempotency key so a replay stores nothing.

    The latest said (by device time) is also the dose record's prn_effect, which is what every view shows.
    """

    __tablename__ = "dose_effects"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    dose_record_id: Mapped[int] = mapped_column(ForeignKey("dose_records.id"), index=True)
    effect: Mapped[str] = mapped_column(Text)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    device_id: Mapped[str | None] = mapped_column(String(64))
