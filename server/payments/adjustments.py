"""Corrections to closed periods, as adjustment rows in later exports.

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

The export calls in here and passes itself, so this module prices through the export it is given
and never imports it.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import TYPE_CHECKING

from sqlalchemy import and_, exists, func, or_, select

from server.cells import pounds
from server.extensions import db
from server.payments import facts
from server.payments.models import ContingencyGrant, PaymentPeriod, PaymentSnapshot
from server.timeutil import to_local
from server.visits.models import NonContactActivity, Visit, VisitAssignment, VisitCorrection, VisitEvent, VisitException

if TYPE_CHECKING:
    from server.payments.export import ContractExport

BATCH = 500
def batched(items: Iterable, size: int) -> Iterator[tuple]:
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


def subject_of(row: dict) -> str:
    """What a row pays for; an adjustment row has the subject of the row it corrects."""
    kind = row["adjusts_kind"] if row["row_kind"] == "adjustment" else row["row_kind"]
    if kind == "visit":
        return f"v{row['visit_id']}:{row['worker_id'] or 0}"
    if kind == "non_contact":
        return f"a{row['activity_id']}"
    return f"s{row['client_id']}:{row['block_from']}"


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
        select(
            PaymentSnapshot.subject, func.sum(PaymentSnapshot.payable_minutes), func.sum(PaymentSnapshot.amount_pence)
        )
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
        first, last = db.session.execute(
            select(func.min(Visit.planned_start), func.max(Visit.planned_start)).where(Visit.id.in_(chunk))
        ).one()
        for row, priced, bill in export.priced_visits(
            to_local(first, export.tz).date(), to_local(last, export.tz).date(), visit_ids=set(chunk)
        ):
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
