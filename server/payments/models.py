"""Closed payment periods and what they paid, authorised contingency, and providers' invoices."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import BigId, UTCDateTime, utcnow
from server.extensions import db

# What an export row pays for: one carer at a visit, a piece of non-contact work, a client's
# settlement block (guaranteed top-up or flex over-total), or a correction to a closed period.
ROW_KINDS = ("visit", "non_contact", "settlement", "adjustment")


class PaymentPeriod(db.Model):
    """A contract's local dates date_from..date_to, closed: its export rows are frozen in snapshots."""

    __tablename__ = "payment_periods"
    __table_args__ = (UniqueConstraint("contract_id", "date_from"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    date_from: Mapped[date]
    date_to: Mapped[date]
    # UTC instants of local midnight starting date_from and after date_to, in the council's zone at closing.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rule_set: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rows: Mapped[int] = mapped_column(default=0)
    held_rows: Mapped[int] = mapped_column(default=0)
    adjustment_rows: Mapped[int] = mapped_column(default=0)
    payable_minutes: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    # sha256 of the period's rows as CSV, the same bytes an export of exactly this period sends.
    checksum: Mapped[str | None] = mapped_column(String(64))


class PaymentSnapshot(db.Model):
    """One export row as a closed period paid it, replayed verbatim when the period is exported again.

    `subject` names what is paid ("v<visit>:<worker or 0>", "a<activity>", "s<client>:<block start>");
    the sum of a subject's minutes and pence over its contract's snapshots is what has been paid
    for it so far, the baseline later corrections are measured against.
    """

    __tablename__ = "payment_snapshots"
    __table_args__ = (
        Index("ix_payment_snapshots_period_seq", "period_id", "seq"),
        Index("ix_payment_snapshots_contract_subject", "contract_id", "subject"),
        Index("ix_payment_snapshots_contract_visit", "contract_id", "visit_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("payment_periods.id"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(48))
    # Plain ids, not foreign keys: a snapshot outlives what it describes.
    visit_id: Mapped[int | None] = mapped_column(BigInteger)
    activity_id: Mapped[int | None] = mapped_column(BigInteger)
    client_id: Mapped[int | None] = mapped_column(BigInteger)
    local_date: Mapped[date]
    held: Mapped[bool] = mapped_column(default=False)
    payable_minutes: Mapped[int]
    amount_pence: Mapped[int]
    row: Mapped[dict] = mapped_column(JSON)


class ContingencyGrant(db.Model):
    """Extra minutes a council authorises for one client in the flex block holding on_date."""

    __tablename__ = "contingency_grants"
    __table_args__ = (Index("ix_contingency_grants_contract_date", "contract_id", "on_date"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    on_date: Mapped[date]
    minutes: Mapped[int]
    reason: Mapped[str] = mapped_column(String(400))
    granted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invoice(db.Model):
    """A provider's invoice for a contract's period, as uploaded; reconciled against payable time on request."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    reference: Mapped[str | None] = mapped_column(String(64))
    date_from: Mapped[date]
    date_to: Mapped[date]
    filename: Mapped[str | None] = mapped_column(String(200))
    checksum: Mapped[str] = mapped_column(String(64))
    lines: Mapped[int]
    minutes: Mapped[int] = mapped_column(BigInteger)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InvoiceLine(db.Model):
    """One line of an invoice: a visit by id, or a client's day by the client's reference."""

    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    line_no: Mapped[int]
    visit_id: Mapped[int | None] = mapped_column(BigInteger)
    client_reference: Mapped[str | None] = mapped_column(String(64))
    service_date: Mapped[date]
    minutes: Mapped[int]
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str | None] = mapped_column(Text)


class ServiceAuthorisation(db.Model):
    """Units or minutes of a service code a payer authorised for a client over local dates date_from..date_to."""

    __tablename__ = "service_authorisations"
    __table_args__ = (Index("ix_service_authorisations_client_code", "client_id", "service_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    service_code: Mapped[str] = mapped_column(String(32))
    date_from: Mapped[date]
    date_to: Mapped[date]
    # Exactly one of units and minutes; minutes count as whole units of the code's unit length.
    units: Mapped[int | None]
    minutes: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VisitMaintenance(db.Model):
    """Bill times a coordinator set for one carer at a visit, with a reason; the clock times stay as recorded.

    The latest row for a visit and carer is the one billed; earlier rows stay as the visit's history.
    """

    __tablename__ = "visit_maintenance"
    __table_args__ = (Index("ix_visit_maintenance_visit_worker", "visit_id", "worker_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    bill_start: Mapped[datetime] = mapped_column(UTCDateTime)
    bill_end: Mapped[datetime] = mapped_column(UTCDateTime)
    reason_code: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
