"""Medication by provider: the doses due at visits planned in the period and what became of them.

A dose is due at a visit as server/medication/schedule.py derives it from the medication list (cancelled
visits have none; as-required doses are never due and are not counted). Recorded: the dose has a record.
On time: recorded with a time no later than medication_alert_after_minutes after it was due (its visit's
planned start). Given, refused, already_taken: by the record's outcome. Omitted: recorded not_available or
not_given, or due at a visit whose planned start has passed with no record at all. Pending: due at a visit
still to come, with no record. Shares are of the doses due, pending ones left out.
"""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from server.db_types import utcnow
from server.extensions import db
from server.medication.models import DoseOutcome, Medication
from server.medication.queries import doses_due, records_by_visit
from server.reports.scope import Scope, pct
from server.visits.models import Visit, VisitStatus

COUNTS = ("due", "recorded", "on_time", "given", "refused", "already_taken", "omitted", "pending")
SHARES = ("recorded", "on_time", "given", "refused", "omitted")
OMITTED = frozenset({DoseOutcome.NOT_AVAILABLE, DoseOutcome.NOT_GIVEN})


def medication(scope: Scope) -> dict:
    names = {c.provider_id: c.provider.name for c in scope.contracts}
    # Only clients with a medication list have doses due: a year of a council's other visits is not loaded.
    visits = list(db.session.scalars(select(Visit).where(*scope.visits(), Visit.status != VisitStatus.CANCELLED,
                                                         Visit.client_id.in_(select(Medication.client_id)))))
    due, records = doses_due(visits), records_by_visit([v.id for v in visits])
    on_time = timedelta(minutes=current_app.config["CAREMON"]["medication_alert_after_minutes"])
    now = utcnow()
    tallies: dict[int, Counter] = {}
    for visit in visits:
        tally = tallies.setdefault(visit.provider_id, Counter())
        recorded = {(r.medication_id, r.slot): r for r in records[visit.id]}
        for dose in due[visit.id]:
            tally.update(_classes(dose, recorded.get((dose.medication_id, dose.slot)), on_time, now))
    rows = [{"provider_id": pid, "provider_name": names.get(pid), **figures(tallies[pid])}
            for pid in sorted(tallies) if tallies[pid]["due"]]
    return scope.envelope("medication", rows, figures(sum(tallies.values(), Counter())))


def _classes(dose, record, on_time: timedelta, now) -> list[str]:
    if record is None:
        return ["due", "omitted" if dose.due_at <= now else "pending"]
    found = ["due", "recorded", record.outcome if record.outcome not in OMITTED else "omitted"]
    return found + ["on_time"] if record.administered_at <= dose.due_at + on_time else found


def figures(tally: Counter) -> dict:
    counted = tally["due"] - tally["pending"]
    return {**{c: tally[c] for c in COUNTS}, **{f"{c}_pct": pct(tally[c], counted) for c in SHARES}}


CSV_COLUMNS = ("provider_id", "provider_name", *COUNTS, *(f"{c}_pct" for c in SHARES))
