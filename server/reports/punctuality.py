"""Punctuality by local ISO week: how many visits were early, on time, late or missed.

Each visit falls in exactly one class: cancelled; missed; else its punctuality
from the first check-in (early / on_time / late); else "late" when the scheduler
has already marked it late without a check-in; else pending (not yet due, or not
yet checked in). Shares are of the visits that were due: early + on time + late
+ missed. Cancelled and pending visits are counted but are not in the shares.
"""
from __future__ import annotations

from sqlalchemy import select

from server.reports import rollup
from server.reports.classes import visit_class
from server.reports.scope import Scope, pct
from server.reports.weekly import class_counts_by_week, class_totals, stored_counts_by_week, week_row
from server.visits.models import Visit

CLASSES = ("early", "on_time", "late", "missed", "cancelled", "pending")
DUE = ("early", "on_time", "late", "missed")


def punctuality(scope: Scope) -> dict:
    if rollup.usable(scope):
        per_week = stored_counts_by_week(scope, "punctuality", CLASSES)[0]
    else:
        per_week = class_counts_by_week(scope, select().select_from(Visit).where(*scope.visits()), visit_class(),
                                        CLASSES)
    rows = [week_row(week, figures(counts)) for week, counts in per_week]
    return scope.envelope("punctuality", rows, figures(class_totals(per_week, CLASSES)))


def figures(by_class: dict[str, int]) -> dict:
    due = sum(by_class[c] for c in DUE)
    return {"visits": sum(by_class.values()), "due": due, **by_class,
            **{f"{c}_pct": pct(by_class[c], due) for c in DUE}}


CSV_COLUMNS = ("week", "date_from", "date_to", "visits", "due", *CLASSES, *(f"{c}_pct" for c in DUE))
