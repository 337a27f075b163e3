"""How check-ins were verified, and how presence was shown, by local ISO week of the visit.

The unit is a carer's check-in (a double-up has two). Each falls in one class:
"manual" when a coordinator entered the times (whatever the phone sent before),
else the verdict of the way the check-in showed presence: for a fix its geofence
verdict, verified, unverified (fix too inaccurate), outside the geofence or none
(no location); for a tag of the home (QR, NFC, typed or texted code) verified, or
invalid (another home's tag, a revoked one, a forged payload).
Each check-in is also counted by its method (method_gps, method_qr, method_nfc,
method_code, method_sms, method_manual); check-ins from before methods were kept are gps.
"""
from __future__ import annotations

from sqlalchemy import select

from server.reports import rollup
from server.reports.classes import check_in_class, check_in_method
from server.reports.scope import Scope, pct
from server.reports.weekly import class_totals, counts_by_week, stored_counts_by_week, week_row
from server.visits.models import METHODS, Visit, VisitAssignment

CLASSES = ("verified", "unverified", "outside", "none", "invalid", "manual")
METHOD_COLUMNS = tuple(f"method_{m}" for m in METHODS)


def verification(scope: Scope) -> dict:
    if rollup.usable(scope):
        per_week, by_method = stored_counts_by_week(scope, "verification", CLASSES, METHOD_COLUMNS)
    else:
        check_ins = (select().select_from(VisitAssignment).join(Visit, Visit.id == VisitAssignment.visit_id)
                     .where(*scope.visits(), VisitAssignment.checked_in_at.is_not(None)))
        per_week, by_method = counts_by_week(scope, check_ins, (check_in_class(), CLASSES),
                                             (check_in_method(), METHOD_COLUMNS))
    rows = [week_row(week, figures(counts, methods)) for (week, counts), (_, methods) in zip(per_week, by_method)]
    return scope.envelope("verification", rows, figures(class_totals(per_week, CLASSES),
                                                        class_totals(by_method, METHOD_COLUMNS)))


def figures(by_class: dict[str, int], by_method: dict[str, int]) -> dict:
    total = sum(by_class.values())
    return {"check_ins": total, **by_class, **{f"{c}_pct": pct(by_class[c], total) for c in CLASSES}, **by_method}


CSV_COLUMNS = ("week", "date_from", "date_to", "check_ins", *CLASSES, *(f"{c}_pct" for c in CLASSES),
               *METHOD_COLUMNS)
