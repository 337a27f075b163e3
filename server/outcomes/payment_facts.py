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
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from server.care.models import CarePackage
from server.directory.models import Client, Contract
from server.extensions import db
from server.outcomes.models import OutcomeReview
from server.payments.budgets import PackageFacts
from server.payments.outcome_pay import MeasureCount, held_or_improved
from server.timeutil import local_range_bounds
from server.visits.models import OutcomeProgress

OF_CONTRACT = Client.contract_id


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
        .where(OF_CONTRACT == contract.id, OutcomeProgress.recorded_at >= start, OutcomeProgress.recorded_at < end)
        .order_by(OutcomeProgress.recorded_at, OutcomeProgress.id))
    scores: dict[tuple[int, int], list[int]] = defaultdict(list)
    for client_id, outcome_id, score in in_period:
        scores[(client_id, outcome_id)].append(score)
    last_before = (select(OutcomeProgress.outcome_id, func.max(OutcomeProgress.recorded_at).label("at"))
                   .join(Client, Client.id == OutcomeProgress.client_id)
                   .where(OF_CONTRACT == contract.id, OutcomeProgress.recorded_at < start)
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


def _minutes_in_force(client_ids: set[int], day_of: dict[int, list[date]]) -> dict[tuple[int, date], int]:
    """Each client's total weekly minutes in force on each of the asked days."""
    if not client_ids:
        return {}
    packages = db.session.execute(select(CarePackage.client_id, CarePackage.weekly_minutes, CarePackage.starts_on,
                                         CarePackage.ends_on).where(CarePackage.client_id.in_(client_ids))).all()
    totals: dict[tuple[int, date], int] = defaultdict(int)
    for client_id, minutes, starts_on, ends_on in packages:
        for day in day_of[client_id]:
            if starts_on <= day and (ends_on is None or ends_on >= day):
                totals[(client_id, day)] += minutes
    return totals


def package_facts(contract: Contract, first: date, last: date, reablement_due_only: bool = False) -> list[PackageFacts]:
    """The contract's packages in force over first..last (or, reablement_due_only, those planned to reduce in it)."""
    stmt = select(CarePackage).join(Client, Client.id == CarePackage.client_id).where(OF_CONTRACT == contract.id)
    if reablement_due_only:
        stmt = stmt.where(CarePackage.reablement.is_(True), CarePackage.planned_end_on >= first,
                          CarePackage.planned_end_on <= last)
    else:
        stmt = stmt.where(CarePackage.starts_on <= last,
                          or_(CarePackage.ends_on.is_(None), CarePackage.ends_on >= first))
    packages = list(db.session.scalars(stmt.order_by(CarePackage.client_id, CarePackage.id)))
    day_of: dict[int, list[date]] = defaultdict(list)
    for p in packages:
        if p.reablement and p.planned_end_on is not None:
            day_of[p.client_id].append(p.planned_end_on + timedelta(days=1))
    in_force = _minutes_in_force(set(day_of), day_of)
    return [PackageFacts(
        package_id=p.id, client_id=p.client_id, weekly_minutes=p.weekly_minutes,
        weekly_budget_minor=p.weekly_budget_minor, starts_on=p.starts_on, ends_on=p.ends_on,
        reablement=p.reablement, planned_end_on=p.planned_end_on, planned_weekly_minutes=p.planned_weekly_minutes,
        minutes_after_plan=in_force.get((p.client_id, p.planned_end_on + timedelta(days=1)), 0)
        if p.reablement and p.planned_end_on is not None else None,
    ) for p in packages]


def _reablement_on_time(contract: Contract, first: date, last: date) -> MeasureCount:
    due = package_facts(contract, first, last, reablement_due_only=True)
    met = sum(1 for p in due if p.minutes_after_plan <= (p.planned_weekly_minutes or 0))
    return MeasureCount(len(due), met)


def _reviews_on_time(contract: Contract, first: date, last: date) -> MeasureCount:
    cases, met = db.session.execute(
        select(func.count(), func.count().filter(OutcomeReview.done_on <= OutcomeReview.due_on))
        .select_from(OutcomeReview).join(Client, Client.id == OutcomeReview.client_id)
        .where(OF_CONTRACT == contract.id, OutcomeReview.due_on >= first, OutcomeReview.due_on <= last)).one()
    return MeasureCount(cases, met)
