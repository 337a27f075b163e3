"""The alerts on time-critical doses: a dose with no record medication_alert_after_minutes after it was due
raises one time_critical_dose alert on its visit (raised once however often the scheduler's scan runs), and
the record that leaves no time-critical dose of the visit unrecorded closes it.

Bounded like the other scans: only visits planned in the last LOOKBACK, not cancelled, of clients with a
time-critical medicine.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from server.extensions import db
from server.medication.models import Medication, MedicationVersion
from server.medication.queries import doses_due, records_by_visit, unrecorded
from server.medication.signals import critical_doses_recorded
from server.monitoring.alerts import raise_alert, resolve_alerts
from server.monitoring.models import AlertKind
from server.visits.models import Visit, VisitStatus

OVERDUE_ALERT = AlertKind.TIME_CRITICAL_DOSE
LOOKBACK = timedelta(hours=26)


def alert_overdue_doses(now: datetime, after_minutes: int) -> int:
    """Raise the alerts now due; returns how many were raised."""
    cutoff = now - timedelta(minutes=after_minutes)
    critical_clients = (select(Medication.client_id).join(MedicationVersion)
                        .where(MedicationVersion.time_critical.is_(True)))
    visits = db.session.scalars(select(Visit).where(
        Visit.planned_start >= now - LOOKBACK, Visit.planned_start < cutoff, Visit.status != VisitStatus.CANCELLED,
        Visit.client_id.in_(critical_clients)).order_by(Visit.planned_start, Visit.id)).all()
    if not visits:
        return 0
    due, records = doses_due(visits), records_by_visit([v.id for v in visits])
    raised = 0
    for visit in visits:
        late = [d for d in unrecorded(due[visit.id], records[visit.id])
                if d.version.time_critical and d.due_at < cutoff]
        if late and raise_alert(visit, OVERDUE_ALERT, now, detail="Time-critical dose not recorded: " + ", ".join(
                f"{d.version.name} ({d.slot})" for d in late)[:360]):
            raised += 1
    return raised


@critical_doses_recorded.connect
def _recorded(visit, *, now):
    resolve_alerts(visit.id, (OVERDUE_ALERT,), now)
