"""Visits, who is assigned, what their phones reported, and how exceptions were resolved."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Float, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db_types import BigId, UTCDateTime, utcnow
from server.extensions import db


class VisitStatus(StrEnum):
    SCHEDULED = "scheduled"
    EN_ROUTE = "en_route"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    LATE = "late"
    MISSED = "missed"
    CANCELLED = "cancelled"


# Statuses the scheduler may still move on; the others are settled by events or people.
OPEN_STATUSES = frozenset({VisitStatus.SCHEDULED, VisitStatus.EN_ROUTE, VisitStatus.LATE})
# Statuses before any carer came: nothing can be said of delivery yet.
NOT_STARTED = frozenset({VisitStatus.SCHEDULED, VisitStatus.EN_ROUTE})
# Statuses of a visit a carer came to.
ATTENDED = frozenset({VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED})
PUNCTUALITY = ("early", "on_time", "late")
EVENT_KINDS = ("arrival", "check_in", "check_out", "task_done", "note", "outcome_progress")
# Geofence verdicts for an event's fix.
GEOFENCE = ("verified", "unverified", "outside", "none")
# How a carer showed presence at the door: a fix, a tag in the home (QR label, NFC sticker, its typed code), a
# text from their registered phone, or times a coordinator entered.
METHODS = ("gps", "qr", "nfc", "code", "sms", "manual")
TAG_METHODS = ("qr", "nfc", "code", "sms")
# The verdict on presence: the geofence verdict for gps; verified or invalid (another home's, revoked or
# forged) for a tag.
VERDICTS = (*GEOFENCE, "invalid")
# How the client or family confirmed a visit on the carer's phone at check-out.
CONFIRMATION_KINDS = ("pin", "signature")


class ExceptionKind(StrEnum):
    NO_GEOLOCATION = "no_geolocation"
    OUTSIDE_GEOFENCE = "outside_geofence"
    MISSING_CHECK_IN = "missing_check_in"
    NO_CHECKOUT = "no_checkout"
    CHECKOUT_BEFORE_CHECKIN = "checkout_before_checkin"
    EVENT_AFTER_CANCEL = "event_after_cancel"
    NOT_ASSIGNED = "not_assigned"
    CLOCK_SKEW = "clock_skew"
    MISSED = "missed"
    # A provider's system sent changes to a visit already under way or delivered; they wait for a coordinator.
    FEED_CHANGE = "feed_change"
    # A tag of another home, a revoked tag or a forged payload.
    TAG_INVALID = "tag_invalid"
    # A dose at the visit was refused or not given: the day's omissions and refusals, for a coordinator to follow up.
    DOSE_NOT_GIVEN = "dose_not_given"




class ReasonKind(StrEnum):
    """What a visit's reason is about (its "about"): an undone task, a short visit, a missed visit."""

    TASK = "task"
    SHORT = "short"
    MISSED = "missed"


# Reason codes every council starts with (code, label); the council officer edits the council's own list.
DEFAULT_REASON_CODES = (
    ("phone_lost_or_broken", "Phone lost or broken"), ("no_signal", "No phone signal"),
    ("forgot_to_log", "Carer forgot to log the visit"), ("used_client_phone", "Used the client's phone"),
    ("client_in_hospital", "Client in hospital"), ("client_declined", "Client declined the visit"),
    ("client_not_home", "Client not at home"), ("no_access", "Could not get into the home"),
    ("carer_unavailable", "No carer available"), ("carer_delayed", "Carer delayed at another visit"),
    ("travel_disruption", "Travel disruption (weather, roads)"), ("system_fault", "System fault"),
    ("confirmed_with_client", "Confirmed with the client"), ("other", "Other"),
)
REASON_CODES = tuple(code for code, _ in DEFAULT_REASON_CODES)
# Why a carer left a task undone, given at check-out; "other" needs a note.
TASK_REASONS = ("refused", "not_needed", "no_time", "other")
PAY_DECISIONS = ("accept", "reject")
ACTIVITY_CATEGORIES = (
    "liaising_health_social", "liaising_family", "care_planning", "review", "gaining_access",
)


class Visit(db.Model):
    __tablename__ = "visits"
    __table_args__ = (
        # The scheduler's scans and every roster read by provider and day walk this index.
        Index("ix_visits_status_planned_start", "status", "planned_start"),
        Index("ix_visits_provider_planned_start", "provider_id", "planned_start"),
        Index("ix_visits_client_planned_start", "client_id", "planned_start"),
        Index("ix_visits_contract_planned_start", "contract_id", "planned_start"),
        # The missed report reads a year's missed visits four times: from this small index alone, not from
        # thousands of scattered pages of the whole table.
        Index("ix_visits_missed", "contract_id", "planned_start",
              postgresql_include=["id", "client_id", "provider_id", "planned_minutes"],
              postgresql_where=text("status = 'missed'"), sqlite_where=text("status = 'missed'")),
        # A pattern yields one visit per start: generation can run again and again safely.
        UniqueConstraint("pattern_id", "planned_start", name="uq_visits_pattern_start"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    # Copied from the client when planned: a visit stays under the contract it was delivered for.
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    pattern_id: Mapped[int | None] = mapped_column(ForeignKey("visit_patterns.id"))
    planned_start: Mapped[datetime] = mapped_column(UTCDateTime)
    planned_minutes: Mapped[int]
    carers_required: Mapped[int] = mapped_column(default=1)
    tasks: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=VisitStatus.SCHEDULED)
    punctuality: Mapped[str | None] = mapped_column(String(8))
    # Effective times: first check-in and last check-out over all carers, after corrections.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overrun_approved: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    # The payer's service code when this visit differs from its care package's (care/service_codes.py); None takes it.
    service_code: Mapped[str | None] = mapped_column(String(32))
    # The kind of visit ("medication_prompt", "sleep_in") where a rule set pays it a fixed fee (payments/rules.py).
    visit_type: Mapped[str | None] = mapped_column(String(32))
    # What visits/flags.py found, kept current as events and corrections arrive, so exports and KPIs filter on it.
    flags: Mapped[list] = mapped_column(JSON, default=list)
    # Why things went as they did: {"about": "task"|"short"|"missed", "code", "note", "task"?, "external_code"?}.
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    # A coordinator's decision on paying a visit whose flags hold its pay (payments/facts.py).
    pay_decision: Mapped[str | None] = mapped_column(String(8))
    pay_decision_note: Mapped[str | None] = mapped_column(Text)
    pay_decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    pay_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    client = relationship("Client", lazy="joined")
    contract = relationship("Contract", lazy="joined")
    assignments: Mapped[list["VisitAssignment"]] = relationship(
        back_populates="visit", order_by="VisitAssignment.position", lazy="selectin"
    )
    # Its unresolved exceptions as loaded; visits/service.py adds those it opens, and reads a closed one as closed.
    open_exceptions: Mapped[list["VisitException"]] = relationship(
        primaryjoin="and_(VisitException.visit_id == Visit.id, VisitException.resolved_at.is_(None))",
        order_by="VisitException.id", viewonly=True,
    )

    @property
    def active_assignments(self) -> list["VisitAssignment"]:
        return [a for a in self.assignments if a.removed_at is None]


OPEN_CHECK_IN = "checked_in_at IS NOT NULL AND checked_out_at IS NULL AND removed_at IS NULL"


class VisitAssignment(db.Model):
    """One carer on one visit, with that carer's effective times.

    Kept (with removed_at) when a visit is reassigned, so a phone that was offline
    can still deliver what its worker did there.
    """

    __tablename__ = "visit_assignments"
    __table_args__ = (
        Index("ix_visit_assignments_worker_visit", "worker_id", "visit_id"),
        # Where each carer is checked in now (delay prediction): a handful of rows, however long the history.
        Index("ix_visit_assignments_open_check_in", "worker_id",
              postgresql_where=text(OPEN_CHECK_IN), sqlite_where=text(OPEN_CHECK_IN)),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    position: Mapped[int] = mapped_column(default=1)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The verdict on presence (VERDICTS) of the check-in and check-out that set the times, and its method.
    check_in_geofence: Mapped[str | None] = mapped_column(String(12))
    check_out_geofence: Mapped[str | None] = mapped_column(String(12))
    check_in_method: Mapped[str | None] = mapped_column(String(8))
    check_out_method: Mapped[str | None] = mapped_column(String(8))
    # The geofence verdict of the carer's arrival at the door: evidence for a frustrated visit.
    arrival_geofence: Mapped[str | None] = mapped_column(String(12))
    # Minutes a coordinator approved beyond the rule set's cap for this carer (payments/engine.py).
    overrun_approved_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    # True when a coordinator entered the times.
    manual: Mapped[bool] = mapped_column(default=False)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    visit: Mapped[Visit] = relationship(back_populates="assignments")
    worker = relationship("Worker", lazy="joined")


class VisitEvent(db.Model):
    """What a phone reported. Never updated: corrections are separate records."""

    __tablename__ = "visit_events"
    __table_args__ = (Index("ix_visit_events_visit_device_time", "visit_id", "device_time"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True)
    # Hash of the event's content: the same key with other content is a conflict, not a retry.
    payload_hash: Mapped[str] = mapped_column(String(64))
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    device_time: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    device_id: Mapped[str | None] = mapped_column(String(64))
    # The provider's own system (API client name) that sent the event; None for Caremon's app.
    source_system: Mapped[str | None] = mapped_column(String(100))
    # Device clock minus server clock, seconds, as measured at the sync that carried the event.
    clock_offset_s: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    geofence: Mapped[str] = mapped_column(String(12), default="none")
    # How presence was shown, and its verdict (VERDICTS): for gps the geofence verdict, for a tag its own.
    method: Mapped[str] = mapped_column(String(8), default="gps", server_default="gps")
    verdict: Mapped[str] = mapped_column(String(12), default="none", server_default="none")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    flags: Mapped[list] = mapped_column(JSON, default=list)


class VisitConfirmation(db.Model):
    """The client's or a family member's confirmation of a visit, given on the carer's phone at check-out."""

    __tablename__ = "visit_confirmations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("visit_events.id"), unique=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    # A PIN is checked against the family's hash and never kept; a signature is kept as drawn (PNG).
    verified: Mapped[bool]
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    signer_name: Mapped[str | None] = mapped_column(String(200))

    # Set rather than its id: a batch inserts its events together, after their confirmations are made.
    event: Mapped[VisitEvent] = relationship()


# Outcome progress is scored 1 (not achieved) to 5 (fully achieved).
SCORE_MIN, SCORE_MAX = 1, 5


class OutcomeProgress(db.Model):
    """A score against one of the client's outcomes, recorded at a visit."""

    __tablename__ = "outcome_progress"
    __table_args__ = (Index("ix_outcome_progress_client_recorded", "client_id", "recorded_at"),
                      Index("ix_outcome_progress_contract_recorded", "contract_id", "recorded_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("visit_events.id"), unique=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    # The visit's, copied: a contract's scores are read without joining its visits (reports/outcomes.py).
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # Set rather than its id: a batch inserts its events together, after their progress is made.
    event: Mapped[VisitEvent] = relationship()


class VisitException(db.Model):
    """Something a coordinator must look at before the visit can be paid as recorded."""

    __tablename__ = "visit_exceptions"
    __table_args__ = (Index("ix_visit_exceptions_open", "visit_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(String(400))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    correction_id: Mapped[int | None] = mapped_column(ForeignKey("visit_corrections.id"))
    resolution: Mapped[str | None] = mapped_column(String(400))
    reason_code: Mapped[str | None] = mapped_column(String(32))


class ReasonCode(db.Model):
    """One of a council's reasons for a missed visit or an exception, with the code its own systems use."""

    __tablename__ = "reason_codes"
    __table_args__ = (UniqueConstraint("council_id", "code", name="uq_reason_codes_council_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    code: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(200))
    external_code: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)


class VisitCorrection(db.Model):
    """A coordinator's statement of the real times for one carer, with a reason; audited."""

    __tablename__ = "visit_corrections"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    check_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    check_out_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason_code: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    approve_overrun: Mapped[bool] = mapped_column(default=False)
    # Approves this many extra minutes for the carer instead of the whole overrun.
    approve_overrun_minutes: Mapped[int | None] = mapped_column()
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NonContactActivity(db.Model):
    """Work for a client away from a visit: liaison, planning, reviews, gaining access."""

    __tablename__ = "non_contact_activities"
    __table_args__ = (Index("ix_non_contact_contract_occurred", "contract_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category: Mapped[str] = mapped_column(String(32))
    minutes: Mapped[int]
    note: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
