"""The one bridge from the database to payment by outcomes: counts per measure and package facts for a contract.

Counted over a contract's local dates first..last, as the data stands now (a review recorded late, or a
package ended after the period, counts when the line is next read):
  outcomes_held_or_improved  clients with an outcome scored in the period that can be compared with an
                             earlier score (the last before the period, else the first in it); met when
                             no such outcome's latest score is below its baseline
  reablement_on_time         reablement packages whose planned_end_on falls in the period; met when the
                             client's weekly minutes in force the day after are at most the planned minutes
  reviews_on_time            outcome reviews due in the period; met when done on or before the due date
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, func, select

from server.directory.models import Client, Contract
from server.extensions import db
from server.outcomes.models import OutcomeReview
from server.payments.budget_facts import package_facts
from server.payments.outcome_pay import MeasureCount, held_or_improved
from server.timeutil import local_range_bounds
from server.visits.models import OutcomeProgress


def measure_counts(contract: Contract, first: date, last: date) -> dict[str, MeasureCount]:
    return {
        "outcomes_held_or_improved": _outcomes_held(contract, first, last),
        "reablement_on_time": _reablement_on_time(contract, first, last),
        "reviews_on_time": _reviews_on_time(contract, first, last),
    }


def _outcomes_held(contract: Contract, first: date, last: date) -> MeasureCount:
    start, end = local_range_bounds(first, last, contract.council.timezone)
    in_period = db.session.execute(
        select(OutcomeProgress.client_id, OutcomeProgress.outcome_id, OutcomeProgress.score)
        .join(Client, Client.id == OutcomeProgress.client_id)
        .where(
            Client.contract_id == contract.id, OutcomeProgress.recorded_at >= start, OutcomeProgress.recorded_at < end
        )
        .order_by(OutcomeProgress.recorded_at, OutcomeProgress.id)
    )
    scores: dict[tuple[int, int], list[int]] = defaultdict(list)
    for client_id, outcome_id, score in in_period:
        scores[(client_id, outcome_id)].append(score)
    last_before = (select(OutcomeProgress.outcome_id, func.max(OutcomeProgress.recorded_at).label("at"))
                   .join(Client, Client.id == OutcomeProgress.client_id)
                   .where(Client.contract_id == contract.id, OutcomeProgress.recorded_at < start)
                   .group_by(OutcomeProgress.outcome_id).subquery())
    baselines = dict(db.session.execute(
        select(OutcomeProgress.outcome_id, OutcomeProgress.score).join(last_before, and_(
            OutcomeProgress.outcome_id == last_before.c.outcome_id, OutcomeProgress.recorded_at == last_before.c.at))
    ).all())
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (client_id, outcome_id), seen in scores.items():
        if outcome_id in baselines:
            pairs[client_id].append((baselines[outcome_id], seen[-1]))
        elif len(seen) > 1:
            pairs[client_id].append((seen[0], seen[-1]))
    verdicts = [held_or_improved(p) for p in pairs.values()]
    return MeasureCount(len(verdicts), sum(1 for v in verdicts if v))


def _reablement_on_time(contract: Contract, first: date, last: date) -> MeasureCount:
    due = package_facts(contract, first, last, reablement_due_only=True)
    met = sum(1 for p in due if p.minutes_after_plan <= (p.planned_weekly_minutes or 0))
    return MeasureCount(len(due), met)


def _reviews_on_time(contract: Contract, first: date, last: date) -> MeasureCount:
    cases, met = db.session.execute(
        select(func.count(), func.count().filter(OutcomeReview.done_on <= OutcomeReview.due_on))
        .select_from(OutcomeReview).join(Client, Client.id == OutcomeReview.client_id)
        .where(Client.contract_id == contract.id, OutcomeReview.due_on >= first, OutcomeReview.due_on <= last)).one()
    return MeasureCount(cases, met)
