"""How check-ins were verified, by local ISO week of the visit.

The unit is a carer's check-in (a double-up has two). Each falls in one class:
"manual" when a coordinator entered the times (whatever the phone sent before),
else the geofence verdict of the check-in fix: verified, unverified (fix too
inaccurate), outside the geofence, or none (no location).
"""
from __future__ import annotations

from sqlalchemy import case, literal, select

from server.reports.scope import Scope, pct
from server.reports.weekly import class_counts_by_week, class_totals, week_row
from server.visits.models import Visit, VisitAssignment

CLASSES = ("verified", "unverified", "outside", "none", "manual")


def check_in_class():
    return case(
        (VisitAssignment.manual.is_(True), literal("manual")),
        (VisitAssignment.check_in_geofence.in_(("verified", "unverified", "outside")),
         VisitAssignment.check_in_geofence),
        else_=literal("none"),
    )


def verification(scope: Scope) -> dict:
    check_ins = (select().select_from(VisitAssignment).join(Visit, Visit.id == VisitAssignment.visit_id)
                 .where(*scope.visits(), VisitAssignment.checked_in_at.is_not(None)))
    per_week = class_counts_by_week(scope, check_ins, check_in_class(), CLASSES)
    rows = [week_row(week, figures(counts)) for week, counts in per_week]
    return scope.envelope("verification", rows, figures(class_totals(per_week, CLASSES)))


def figures(by_class: dict[str, int]) -> dict:
    total = sum(by_class.values())
    return {"check_ins": total, **by_class, **{f"{c}_pct": pct(by_class[c], total) for c in CLASSES}}


CSV_COLUMNS = ("week", "date_from", "date_to", "check_ins", *CLASSES, *(f"{c}_pct" for c in CLASSES))
