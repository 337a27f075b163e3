"""The weekly-budget model: a care package's indicative weekly budget, paid whatever the minutes delivered.

Pure, like engine.py: a package's facts and local dates in, minor units and an explanation out. A rule
set with model = "weekly_budget" pays each package weekly_budget x days / 7 for the days it is in force
within the dates, rounded half-up once per package. Reablement packages carry a planned reduction
(planned_weekly_minutes from the day after planned_end_on, 0 = ended); the budget planned for the dates
prices the days after that date at the reduced budget (weekly_budget x planned minutes / weekly
minutes), so a reduction that has not happened shows as the amount over plan.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from server.payments.outcome_pay import half_up

ON_TRACK, REDUCED, OVERDUE, NO_PLAN = "on_track", "reduced", "overdue", "no_plan"


@dataclass(frozen=True)
class PackageFacts:
    package_id: int
    client_id: int
    weekly_minutes: int
    weekly_budget_minor: int | None
    starts_on: date
    ends_on: date | None
    reablement: bool = False
    planned_end_on: date | None = None
    planned_weekly_minutes: int | None = None
    # The client's weekly minutes in force the day after planned_end_on (all their packages), if known yet.
    minutes_after_plan: int | None = None


@dataclass(frozen=True)
class BudgetLine:
    package_id: int
    client_id: int
    days: int
    budget_minor: int
    planned_budget_minor: int
    over_plan_minor: int
    planned_weekly_budget_minor: int | None
    status: str
    explanation: tuple[str, ...]


def _days(first: date, last: date, starts_on: date, ends_on: date | None) -> int:
    low, high = max(first, starts_on), min(last, ends_on or last)
    return max((high - low).days + 1, 0)


def reduced_weekly_budget(facts: PackageFacts) -> int | None:
    """The weekly budget once the planned reduction is made, pro rata to the minutes."""
    if facts.weekly_budget_minor is None or facts.planned_weekly_minutes is None or facts.weekly_minutes <= 0:
        return None
    return half_up(Decimal(facts.weekly_budget_minor * min(facts.planned_weekly_minutes, facts.weekly_minutes))
                   / facts.weekly_minutes)


def status_of(facts: PackageFacts, today: date) -> str:
    if not facts.reablement or facts.planned_end_on is None:
        return NO_PLAN
    target = facts.planned_weekly_minutes or 0
    if facts.minutes_after_plan is not None and facts.minutes_after_plan <= target:
        return REDUCED
    return OVERDUE if facts.planned_end_on < today else ON_TRACK


def budget_line(facts: PackageFacts, first: date, last: date, today: date) -> BudgetLine:
    """What the package is paid over first..last under the weekly-budget model, against the planned reduction."""
    budget = facts.weekly_budget_minor or 0
    days = _days(first, last, facts.starts_on, facts.ends_on)
    paid = half_up(Decimal(budget * days) / 7)
    explanation = [f"{days} day(s) in force x weekly budget {budget} / 7 = {paid}"]
    reduced = reduced_weekly_budget(facts)
    planned = paid
    if facts.reablement and facts.planned_end_on is not None and reduced is not None:
        full_days = _days(first, min(last, facts.planned_end_on), facts.starts_on, facts.ends_on)
        after = _days(max(first, facts.planned_end_on + timedelta(days=1)), last, facts.starts_on, facts.ends_on)
        planned = half_up(Decimal(budget * full_days + reduced * after) / 7)
        explanation.append(f"planned: {full_days} day(s) at {budget} and {after} day(s) at the reduced {reduced} "
                           f"({facts.planned_weekly_minutes} of {facts.weekly_minutes} min) / 7 = {planned}")
    return BudgetLine(facts.package_id, facts.client_id, days, paid, planned, paid - planned, reduced,
                      status_of(facts, today), tuple(explanation))
