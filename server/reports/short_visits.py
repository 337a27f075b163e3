"""Short visits by local ISO week: delivered visits well under their planned time, or under 15 minutes.

A delivered visit is a completed one with both effective times; its length is
first check-in to last check-out (after any coordinator corrections). "Under
80%" is strictly less than 80% of the planned minutes, "under 15 minutes"
strictly less than 15:00, both to the second.
"""
from __future__ import annotations

from sqlalchemy import select

from server.reports import rollup
from server.reports.classes import SHORT_CLASSES, short_class
from server.reports.scope import Scope, pct
from server.reports.weekly import class_counts_by_week, class_totals, stored_counts_by_week, week_row
from server.visits.models import Visit, VisitStatus


def short_visits(scope: Scope) -> dict:
    if rollup.usable(scope):
        per_week = stored_counts_by_week(scope, "short", SHORT_CLASSES)[0]
    else:
        delivered = select().select_from(Visit).where(*scope.visits(), Visit.status == VisitStatus.COMPLETED,
                                                      Visit.started_at.is_not(None), Visit.ended_at.is_not(None))
        per_week = class_counts_by_week(scope, delivered, short_class(), SHORT_CLASSES)
    rows = [week_row(week, figures(counts)) for week, counts in per_week]
    return scope.envelope("short-visits", rows, figures(class_totals(per_week, SHORT_CLASSES)))


def figures(by_class: dict[str, int]) -> dict:
    delivered = sum(by_class.values())
    under_share, under_fifteen = by_class["80pct"] + by_class["both"], by_class["15min"] + by_class["both"]
    return {"delivered": delivered, "under_80pct": under_share, "under_15min": under_fifteen,
            "under_80pct_pct": pct(under_share, delivered), "under_15min_pct": pct(under_fifteen, delivered)}


CSV_COLUMNS = ("week", "date_from", "date_to", "delivered", "under_80pct", "under_15min",
               "under_80pct_pct", "under_15min_pct")
