"""Closing payment periods, and corrections to closed periods as adjustment rows in later exports.

Closing freezes every export row of a contract's period (visits, non-contact work, settlements,
and the adjustments pending at that moment) in payment_snapshots. An export of those dates replays
the frozen rows, so what was paid never changes under anyone's feet; the period's checksum is the
sha256 of exactly the CSV an export of the period sends.

Later corrections reach the money through adjustments: an export that runs past the contract's
last closed period recomputes the subjects of closed periods that may have changed since that last
close and emits the difference from what has been paid for each (the sum of its snapshots). Closing
the next period freezes those differences with it, so each correction is paid exactly once.
Why "since the last close" is enough: every close freezes everything pending until then.

Evidence of a change after the last close: the visit row was updated; an event reached the server;
a coordinator corrected times; an exception was raised or resolved; a carer was taken off; a
non-contact activity was recorded; contingency was granted. Completed visits cannot be moved to
other dates, so a visit leaving a closed period carries no pay with it. Care packages changed
after a close do not reopen settled blocks.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from itertools import islice

from sqlalchemy import and_, exists, func, insert, or_, select

from server.audit.service import record
from server.auth.tenancy import Identity, scope_contracts
from server.directory.models import Client, Contract
from server.errors import ApiError, invalid
from server.extensions import db
from server.i18n import _
from server.payments import facts
from server.payments.engine import Payable
from server.payments.export import ContractExport, Totals, checksummed, csv_chunks, encoded, pounds, subject_of
from server.payments.models import ContingencyGrant, PaymentPeriod, PaymentSnapshot
from server.timeutil import local_range_bounds, to_local
from server.visits.models import NonContactActivity, Visit, VisitAssignment, VisitCorrection, VisitEvent, VisitException
from server.webhooks.events import period_closed

BATCH = 500
SNAPSHOT_BATCH = 1000


def batched(items: Iterable, size: int) -> Iterator[tuple]:
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


def _spans(periods: list[PaymentPeriod]) -> list[tuple[datetime, datetime]]:
    """The closed periods' UTC ranges, adjacent ones merged."""
    spans: list[list[datetime]] = []
    for period in periods:
        if spans and spans[-1][1] >= period.starts_at:
            spans[-1][1] = max(spans[-1][1], period.ends_at)
        else:
            spans.append([period.starts_at, period.ends_at])
    return [(start, end) for start, end in spans]


def _within(column, spans) -> object:
    return or_(*(and_(column >= start, column < end) for start, end in spans))


def changed_visit_ids(contract_id: int, spans, since: datetime) -> list[int]:
    changed = or_(
        Visit.updated_at > since,
        exists().where(VisitEvent.visit_id == Visit.id, VisitEvent.received_at > since),
        exists().where(VisitCorrection.visit_id == Visit.id, VisitCorrection.created_at > since),
        exists().where(VisitException.visit_id == Visit.id,
                       or_(VisitException.raised_at > since, VisitException.resolved_at > since)),
        exists().where(VisitAssignment.visit_id == Visit.id, VisitAssignment.removed_at > since),
    )
    return list(db.session.scalars(select(Visit.id).where(
        Visit.contract_id == contract_id, _within(Visit.planned_start, spans), changed).order_by(Visit.id)))


def _baseline(contract_id: int, condition) -> dict[str, tuple[int, int]]:
    """What has been paid so far for each subject: the sums of its snapshots."""
    rows = db.session.execute(
        select(PaymentSnapshot.subject, func.sum(PaymentSnapshot.payable_minutes), func.sum(PaymentSnapshot.amount_pence))
        .where(PaymentSnapshot.contract_id == contract_id, condition)
        .group_by(PaymentSnapshot.subject))
    return {subject: (int(minutes), int(pence)) for subject, minutes, pence in rows}


def _originals(contract_id: int, subjects: Iterable[str]) -> dict[str, dict]:
    """The first frozen row of each subject, to describe one that no longer exists."""
    found: dict[str, dict] = {}
    for subject, row in db.session.execute(
            select(PaymentSnapshot.subject, PaymentSnapshot.row)
            .where(PaymentSnapshot.contract_id == contract_id, PaymentSnapshot.subject.in_(list(subjects)),
                   PaymentSnapshot.kind != "adjustment")
            .order_by(PaymentSnapshot.seq)):
        found.setdefault(subject, row)
    return found


def _differences(export: ContractExport, live: dict[str, dict], baseline: dict[str, tuple[int, int]]) -> Iterator[dict]:
    gone = [s for s in baseline if s not in live and baseline[s] != (0, 0)]
    originals = _originals(export.contract.id, gone) if gone else {}
    for subject in sorted(live.keys() | baseline.keys()):
        now = live.get(subject)
        was_minutes, was_pence = baseline.get(subject, (0, 0))
        now_minutes, now_pence = (now["payable_minutes"], now["amount_pence"]) if now else (0, 0)
        if (now_minutes, now_pence) == (was_minutes, was_pence):
            continue
        source = now or originals.get(subject)
        if source is None:
            continue
        period = export.period_of(date.fromisoformat(source["date"]))
        where = f"closed period {period.id} ({period.date_from}..{period.date_to})" if period else "a closed period"
        yield {
            **source, "row_kind": "adjustment", "period_id": None,
            "adjusts_kind": source["row_kind"], "adjusts_period_id": period.id if period else None,
            "outcome": now["outcome"] if now else "not_delivered",
            "held_reason": now["held_reason"] if now else None,
            "payable_minutes": now_minutes - was_minutes, "amount_pence": now_pence - was_pence,
            "amount": pounds(now_pence - was_pence),
            "detail": f"correction to {where}: paid {was_minutes} min {pounds(was_pence)}, "
                      f"now {now_minutes} min {pounds(now_pence)}",
        }


def pending_adjustments(export: ContractExport) -> Iterator[dict]:
    """Differences, for subjects of closed periods changed since the contract's last close."""
    contract_id, rules = export.contract.id, export.rules
    since = max(p.closed_at for p in export.periods)
    spans = _spans(export.periods)
    blocks: set[tuple[int, date, date]] = set()

    for chunk in batched(changed_visit_ids(contract_id, spans, since), BATCH):
        live = {}
        first, last = db.session.execute(select(func.min(Visit.planned_start), func.max(Visit.planned_start))
                                         .where(Visit.id.in_(chunk))).one()
        for row, priced, bill in export.priced_visits(to_local(first, export.tz).date(), to_local(last, export.tz).date(),
                                                      visit_ids=set(chunk)):
            line = export.visit_row(row, priced, bill)
            live[subject_of(line)] = line
            if rules.period is not None:
                block = rules.period.block_of(date.fromisoformat(line["date"]))
                if export.period_of(block[1]) is not None:
                    blocks.add((row.client_id, *block))
        yield from _differences(export, live, _baseline(contract_id, PaymentSnapshot.visit_id.in_(chunk)))

    first, last = spans[0][0], spans[-1][1]
    new_activities = db.session.scalars(select(NonContactActivity.id).where(
        NonContactActivity.contract_id == contract_id, _within(NonContactActivity.occurred_at, spans),
        NonContactActivity.received_at > since).order_by(NonContactActivity.id))
    for chunk in batched(new_activities, BATCH):
        live = {}
        for row in db.session.execute(facts.activity_rows(contract_id, first, last, activity_ids=chunk)):
            line = export.activity_row(row)
            live[subject_of(line)] = line
        yield from _differences(export, live, _baseline(contract_id, PaymentSnapshot.subject.in_(list(live))))

    if rules.period is not None:
        granted = db.session.execute(select(ContingencyGrant.client_id, ContingencyGrant.on_date).where(
            ContingencyGrant.contract_id == contract_id, ContingencyGrant.granted_at > since))
        for client_id, on_date in granted:
            block = rules.period.block_of(on_date)
            if export.period_of(block[1]) is not None:
                blocks.add((client_id, *block))
    for client_id, block_first, block_last in sorted(blocks):
        live = {subject_of(r): r for r in export.settlement_rows(block_first, block_last, client_id)}
        subject = f"s{client_id}:{block_first.isoformat()}"
        yield from _differences(export, live, _baseline(contract_id, PaymentSnapshot.subject == subject))


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


def visit_payable(visit: Visit) -> dict:
    """A visit's payable time with each rule explained, and what closed periods have paid for it so far.

    Under unit billing the lines come from the export's path, which knows the carries and
    authorisations of the visits before it.
    """
    payable, rules, calendar = facts.visit_payable(visit)
    if rules.service_codes:
        day = calendar.day(visit.planned_start).local_date
        export = ContractExport(visit.contract, day, day)
        lines = tuple(line for _, line, _ in export.priced_visits(day, day, {visit.id}, explain=True))
        payable = Payable(rules.name, visit.id, visit.planned_start, lines)
    paid = db.session.execute(
        select(PaymentSnapshot.period_id, func.sum(PaymentSnapshot.payable_minutes), func.sum(PaymentSnapshot.amount_pence))
        .where(PaymentSnapshot.contract_id == visit.contract_id, PaymentSnapshot.visit_id == visit.id)
        .group_by(PaymentSnapshot.period_id).order_by(PaymentSnapshot.period_id)).all()
    period_rule = None
    if rules.period is not None:
        first, last = rules.period.block_of(calendar.day(visit.planned_start).local_date)
        period_rule = (f"{rules.period.kind}: the client's block {first}..{last} is settled in the export "
                       "holding its last day, on top of these lines")
    return {
        "visit_id": visit.id, "contract_id": visit.contract_id, "rule_set": rules.name, "timezone": calendar.tz,
        "currency": visit.contract.council.currency, "minor_unit": visit.contract.council.minor_unit,
        "planned_start": visit.planned_start, "planned_minutes": visit.planned_minutes, "status": visit.status,
        "flags": visit.flags or [], "pay_decision": visit.pay_decision, "pay_decision_note": visit.pay_decision_note,
        "minutes": payable.minutes, "amount_pence": payable.amount_pence, "held": payable.held,
        "lines": payable.lines, "period_rule": period_rule,
        "paid_in_closed_periods": {"period_ids": [p for p, _, _ in paid], "minutes": sum(int(m) for _, m, _ in paid),
                                   "amount_pence": sum(int(a) for _, _, a in paid)} if paid else None,
    }


def list_periods(ident: Identity, contract_id: int | None) -> list[PaymentPeriod]:
    stmt = select(PaymentPeriod).where(PaymentPeriod.contract_id.in_(scope_contracts(select(Contract.id), ident)))
    if contract_id is not None:
        stmt = stmt.where(PaymentPeriod.contract_id == contract_id)
    return list(db.session.scalars(stmt.order_by(PaymentPeriod.contract_id, PaymentPeriod.date_from)))


def grant_contingency(ident: Identity, client: Client, data: dict, now: datetime) -> ContingencyGrant:
    """Authorise extra minutes for a client in the flex block holding on_date; the caller commits."""
    contract = client.contract
    rules = facts.contract_rules(contract)[0]
    if rules.period is None or rules.period.kind != "flex":
        raise invalid("client_id", _("This client's contract pays under %(rules)s, which has no flexible total",
                                     rules=rules.name))
    grant = ContingencyGrant(contract_id=contract.id, client_id=client.id, on_date=data["on_date"],
                             minutes=data["minutes"], reason=data["reason"], granted_by=ident.user_id, granted_at=now)
    db.session.add(grant)
    db.session.flush()
    block_first, block_last = rules.period.block_of(data["on_date"])
    record("payments.grant_contingency", "client", client.id, user_id=ident.user_id, now=now, grant_id=grant.id,
           contract_id=contract.id, on_date=data["on_date"].isoformat(), minutes=data["minutes"],
           block_from=block_first.isoformat(), block_to=block_last.isoformat())
    grant.block_from, grant.block_to = block_first, block_last
    return grant


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
