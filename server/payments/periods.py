"""Payment periods: closing them, listing them, and the corrections each one touches.

Closing freezes every export row of a contract's period (visits, non-contact work, settlements,
and the adjustments pending at that moment) in payment_snapshots. An export of those dates replays
the frozen rows, so what was paid never changes under anyone's feet; the period's checksum is the
sha256 of exactly the CSV an export of the period sends. Corrections made after a close are paid
through adjustments (adjustments.py).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.directory.models import Contract
from server.directory.tenancy import scope_contracts
from server.errors import ApiError, invalid
from server.extensions import db
from server.i18n import _
from server.payments.adjustments import pending_adjustments, subject_of
from server.payments.export import ContractExport, Totals, checksummed, csv_chunks, encoded
from server.payments.models import PaymentPeriod, PaymentSnapshot
from server.timeutil import local_range_bounds, to_local
from server.visits.models import Visit
from server.webhooks.events import period_closed

SNAPSHOT_BATCH = 1000


def close_period(ident: Identity, contract: Contract, date_from: date, date_to: date, now: datetime) -> PaymentPeriod:
    """Freeze the contract's export rows for local dates date_from..date_to; the caller commits.

    Periods of a contract are closed in date order without overlap, and only once they have ended.
    """
    tz = contract.council.timezone
    if date_to >= to_local(now, tz).date():
        raise invalid("date_to", _("The period has not ended yet; close it from the day after date_to"))
    latest = db.session.scalar(select(PaymentPeriod).where(
        PaymentPeriod.contract_id == contract.id, PaymentPeriod.date_to >= date_from)
        .order_by(PaymentPeriod.date_to.desc()).limit(1))
    if latest is not None:
        raise ApiError(409, "period_overlap",
                       _("This contract is closed up to %(date)s; a new period must start after that",
                         date=latest.date_to),
                       {"period_id": latest.id, "closed_to": latest.date_to.isoformat()})

    export = ContractExport(contract, date_from, date_to)
    starts_at, ends_at = local_range_bounds(date_from, date_to, tz)
    period = PaymentPeriod(contract_id=contract.id, date_from=date_from, date_to=date_to, starts_at=starts_at,
                           ends_at=ends_at, rule_set=export.rules.name, closed_at=now, closed_by=ident.user_id)
    db.session.add(period)
    db.session.flush()

    pending: list[dict] = []

    def frozen() -> Iterator[dict]:
        for seq, row in enumerate(export.rows()):
            row = {**row, "period_id": period.id}
            adjustment = row["row_kind"] == "adjustment"
            pending.append({
                "period_id": period.id, "contract_id": contract.id, "seq": seq, "kind": row["row_kind"],
                "subject": subject_of(row), "visit_id": row["visit_id"], "activity_id": row["activity_id"],
                "client_id": row["client_id"],
                "local_date": date_to if adjustment else date.fromisoformat(row["date"]),
                "held": row["outcome"] == "held", "payable_minutes": row["payable_minutes"],
                "amount_pence": row["amount_pence"], "row": row,
            })
            if len(pending) >= SNAPSHOT_BATCH:
                _store(pending)
            yield row

    digest, totals = hashlib.sha256(), Totals()
    for _chunk in checksummed(encoded(csv_chunks(frozen(), totals)), digest):
        pass
    _store(pending)
    period.rows, period.held_rows = totals.rows, totals.held_rows
    period.adjustment_rows = totals.by_kind.get("adjustment", [0])[0]
    period.payable_minutes, period.amount_pence = totals.payable_minutes, totals.amount_pence
    period.checksum = digest.hexdigest()
    record("payments.close_period", "payment_period", period.id, user_id=ident.user_id, now=now,
           contract_id=contract.id, date_from=date_from.isoformat(), date_to=date_to.isoformat(), rows=period.rows,
           held_rows=period.held_rows, adjustment_rows=period.adjustment_rows,
           payable_minutes=period.payable_minutes, amount_pence=period.amount_pence, sha256=period.checksum)
    period_closed(period, contract, now)
    return period


def _store(pending: list[dict]) -> None:
    if pending:
        db.session.execute(insert(PaymentSnapshot), pending)
        pending.clear()


def list_periods(ident: Identity, contract_id: int | None) -> list[PaymentPeriod]:
    stmt = select(PaymentPeriod).where(PaymentPeriod.contract_id.in_(scope_contracts(select(Contract.id), ident)))
    if contract_id is not None:
        stmt = stmt.where(PaymentPeriod.contract_id == contract_id)
    return list(db.session.scalars(stmt.order_by(PaymentPeriod.contract_id, PaymentPeriod.date_from)))


def period_adjustments(period: PaymentPeriod) -> dict:
    """The corrections a period touches: those it paid for earlier periods, those later periods paid for it,
    and those to it still waiting for the contract's next close."""
    carried, later = [], []
    for snapshot in db.session.scalars(select(PaymentSnapshot).where(
            PaymentSnapshot.contract_id == period.contract_id, PaymentSnapshot.kind == "adjustment",
            PaymentSnapshot.period_id >= period.id).order_by(PaymentSnapshot.period_id, PaymentSnapshot.seq)):
        if snapshot.period_id == period.id:
            carried.append(snapshot.row)
        elif snapshot.row.get("adjusts_period_id") == period.id:
            later.append(snapshot.row)
    contract = db.session.get(Contract, period.contract_id)
    export = ContractExport(contract, period.date_to, period.date_to)
    pending = [row for row in pending_adjustments(export) if row["adjusts_period_id"] == period.id]
    return {"period": period, "carried": carried, "later": later, "pending": pending}


def next_period(contract: Contract, now: datetime) -> dict:
    """The period an officer would close next: from the day after the last closed one (or the contract's first
    visit) to the end of that month, or yesterday if sooner; never an empty stretch before the first visit."""
    tz = contract.council.timezone
    yesterday = to_local(now, tz).date() - timedelta(days=1)
    last = db.session.scalar(select(func.max(PaymentPeriod.date_to)).where(PaymentPeriod.contract_id == contract.id))
    if last is not None:
        start = last + timedelta(days=1)
    else:
        first_visit = db.session.scalar(select(func.min(Visit.planned_start)).where(Visit.contract_id == contract.id))
        last_month = (yesterday.replace(day=1) - timedelta(days=1)).replace(day=1)
        start = to_local(first_visit, tz).date() if first_visit else last_month
    month_end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    end = min(month_end, yesterday)
    closable = end >= start
    if not closable:
        end = start
    begin, finish = local_range_bounds(start, end, tz)
    visits = db.session.scalar(select(func.count()).select_from(Visit).where(
        Visit.contract_id == contract.id, Visit.planned_start >= begin, Visit.planned_start < finish,
        Visit.status != "cancelled"))
    return {"contract_id": contract.id, "date_from": start, "date_to": end, "closable": closable,
            "closed_to": last, "visits": visits}
