"""Non-contact activity minutes by category: the work for clients done away from visits.

An activity counts in the period by when it happened (occurred_at, in local dates).
"""
from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db
from server.reports.scope import Scope, pct
from server.visits.models import ACTIVITY_CATEGORIES, NonContactActivity


def activities(scope: Scope) -> dict:
    start, end = scope.period.bounds
    found = {category: (n, int(minutes)) for category, n, minutes in db.session.execute(
        select(NonContactActivity.category, func.count(), func.sum(NonContactActivity.minutes))
        .where(NonContactActivity.contract_id.in_(scope.contract_ids),
               NonContactActivity.occurred_at >= start, NonContactActivity.occurred_at < end)
        .group_by(NonContactActivity.category))}
    total_minutes = sum(minutes for _, minutes in found.values())
    rows = []
    for category in ACTIVITY_CATEGORIES:
        n, minutes = found.get(category, (0, 0))
        rows.append({"category": category, "activities": n, "minutes": minutes,
                     "minutes_pct": pct(minutes, total_minutes)})
    totals = {"activities": sum(r["activities"] for r in rows), "minutes": total_minutes}
    return scope.envelope("activities", rows, totals)


CSV_COLUMNS = ("category", "activities", "minutes", "minutes_pct")
