"""Outcome scores, visit notes, reviews, reablement packages and closed periods for the outcome tests."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

from server.care.models import CarePackage
from server.db_types import utcnow
from server.directory.models import Contract
from server.outcomes.models import OutcomeReview
from server.payments.models import PaymentPeriod
from server.timeutil import local_range_bounds
from server.visits.models import OutcomeProgress, VisitEvent
from tests.factories import add, visit_for

UTC = timezone.utc


def _event(visit, worker, kind: str, at: datetime, payload: dict) -> VisitEvent:
    return add(VisitEvent(idempotency_key=str(uuid.uuid4()), payload_hash="0" * 64, visit_id=visit.id,
                          worker_id=worker.id, kind=kind, device_time=at, received_at=at, payload=payload))


def score(client, outcome, worker, at: datetime, value: int, comment: str | None = None) -> OutcomeProgress:
    """A visit to the client at `at` where the carer scored the outcome."""
    visit = visit_for(client, at, workers=[worker])
    event = _event(visit, worker, "outcome_progress", at, {"outcome_id": outcome.id, "score": value,
                                                           "comment": comment})
    return add(OutcomeProgress(event_id=event.id, visit_id=visit.id, client_id=client.id, outcome_id=outcome.id,
                               worker_id=worker.id, score=value, comment=comment, recorded_at=at))


def note(client, worker, at: datetime, text: str) -> VisitEvent:
    return _event(visit_for(client, at, workers=[worker]), worker, "note", at, {"text": text})


def review(client, author, due_on: date, done_on: date | None = None, notes: str | None = None) -> OutcomeReview:
    return add(OutcomeReview(client_id=client.id, due_on=due_on, done_on=done_on, notes=notes,
                             created_by=author.id, done_by=author.id if done_on else None))


def reablement(client, weekly_minutes: int, starts_on: date, planned_end_on: date, planned_weekly_minutes: int,
               ends_on: date | None = None, budget: int | None = None) -> CarePackage:
    return add(CarePackage(client_id=client.id, weekly_minutes=weekly_minutes, starts_on=starts_on, ends_on=ends_on,
                           reablement=True, planned_end_on=planned_end_on,
                           planned_weekly_minutes=planned_weekly_minutes, weekly_budget_minor=budget))


def closed_period(contract: Contract, first: date, last: date, amount: int, closed_by, rule_set: str | None = None
                  ) -> PaymentPeriod:
    """A closed period as close_period leaves it, with the amount it paid (its rows are not needed here)."""
    start, end = local_range_bounds(first, last, contract.council.timezone)
    return add(PaymentPeriod(contract_id=contract.id, date_from=first, date_to=last, starts_at=start, ends_at=end,
                             rule_set=rule_set or contract.payment_rule_set, closed_at=utcnow() - timedelta(days=1),
                             closed_by=closed_by.id, amount_pence=amount))


def on(day: str, clock: str = "09:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}:00+00:00").astimezone(UTC)
