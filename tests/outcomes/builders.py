"""Outcome scores, visit notes, reviews, reablement packages and closed periods for the outcome tests."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from server.care.models import CarePackage
from server.db_types import utcnow
from server.directory.models import Contract
from server.extensions import db
from server.outcomes.models import OutcomeReview
from server.payments.models import PaymentPeriod
from server.timeutil import local_range_bounds
from server.visits.models import OutcomeProgress, VisitEvent
from tests.factories import add, visit_for


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


def seed_november(world):
    """Alpha under outcomes-top-slice with a closed November 2026 that paid 1,000,000p, and November's evidence:
    outcomes: client 1 rose from 2 (October) to 4, client 2 fell from 4 to 3 -> 1 of 2 held or improved;
    reablement: client 1's ended on its planned 15th, client 2's still at 600 min past its planned 20th -> 1 of 2;
    reviews: client 1's done a day early, client 2's two days late (client 1's December one not due) -> 1 of 2.
    """
    a = world.alpha
    a.contract.payment_rule_set = "outcomes-top-slice"
    for package in db.session.query(CarePackage).all():
        package.ends_on = date(2026, 10, 31)  # the factory's standing packages end before November
    c1, c2 = a.clients
    w = a.workers[0]
    score(c1, a.outcomes[0], w, on("2026-10-20"), 2)
    score(c1, a.outcomes[0], w, on("2026-11-05"), 3, "Walked to the gate")
    score(c1, a.outcomes[0], w, on("2026-11-19"), 4, "Walked to the corner shop with a stick")
    score(c2, a.outcomes[1], w, on("2026-11-06"), 4)
    score(c2, a.outcomes[1], w, on("2026-11-20"), 3)
    note(c1, w, on("2026-11-12", "10:00"), "Keen to try the bus next week")
    world.packages = [
        reablement(c1, 300, date(2026, 11, 1), date(2026, 11, 15), 0, ends_on=date(2026, 11, 15), budget=10_500),
        reablement(c2, 600, date(2026, 11, 1), date(2026, 11, 20), 300, budget=21_000),
    ]
    world.reviews = [review(c1, a.admin, date(2026, 11, 10), date(2026, 11, 9), "Goals agreed"),
                     review(c2, a.admin, date(2026, 11, 25), date(2026, 11, 27)),
                     review(c1, a.admin, date(2026, 12, 5))]
    world.period = closed_period(a.contract, date(2026, 11, 1), date(2026, 11, 30), 1_000_000, world.officer)
    db.session.commit()
    return world
