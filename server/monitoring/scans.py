"""The scheduler's scans: late, missed and no-checkout visits, predicted delays, arrivals, escalation, and
time-critical doses left unrecorded (doses.py).

Every query is bounded by status and a planned-start window (index
ix_visits_status_planned_start), so a scan's cost follows the visits due now,
not the archive. Each scan is idempotent: status changes are guarded by the
current status, alerts and notifications by unique keys.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from server.directory.models import Provider
from server.extensions import db
from server.monitoring.alerts import raise_alert, resolve_alerts
from server.monitoring.doses import alert_overdue_doses
from server.monitoring.models import WAITING, Alert, AlertKind
from server.monitoring.prediction import expected_arrival, open_check_ins
from server.notify.messages import notify_family, notify_on_call, told_of_absence
from server.travel import travel_model
from server.visits.models import NOT_STARTED, OPEN_STATUSES, ExceptionKind, Visit, VisitStatus
from server.visits.service import open_exception
from server.webhooks.events import visit_changed
from server.webhooks.models import VISIT_LATE, VISIT_MISSED

# Longest a visit can still be waiting for a check-in, or a check-out, and matter to a scan.
LOOKBACK = timedelta(hours=26)


def scan(now: datetime, settings: dict) -> dict:
    """One pass of every check; commits once at the end so each change lands with its notifications."""
    counts = {
        "late": 0, "missed": 0, "no_checkout": 0, "arrived": 0, "predicted_delay": 0, "escalated": 0, "scanned": 0,
    }
    counts["time_critical_dose"] = alert_overdue_doses(now, settings["medication_alert_after_minutes"])
    _late_and_missed(now, settings, counts)
    _no_checkout(now, counts)
    _arrivals(now, counts)
    _predicted(now, settings, counts)
    _escalate(now, settings, counts)
    db.session.commit()
    return counts


def _late_and_missed(now: datetime, settings: dict, counts: dict) -> None:
    due = db.session.scalars(select(Visit).where(
        Visit.status.in_(OPEN_STATUSES), Visit.planned_start >= now - LOOKBACK, Visit.planned_start < now,
        Visit.started_at.is_(None)).order_by(Visit.planned_start, Visit.id))
    for visit in due:
        counts["scanned"] += 1
        c = visit.contract
        late_at = visit.planned_start + timedelta(minutes=c.late_minutes)
        missed_at = max(visit.planned_start + timedelta(minutes=c.missed_minutes),
                        visit.planned_start + timedelta(minutes=visit.planned_minutes))
        if now > missed_at:
            visit.status = VisitStatus.MISSED
            # A coordinator records why, with one of the council's reason codes; at most one open per visit.
            waited = (missed_at - visit.planned_start) // timedelta(minutes=1)
            open_exception(
                visit, ExceptionKind.MISSED, now, detail=f"No check-in within {waited} minutes of the planned start"
            )
            resolve_alerts(visit.id, (AlertKind.LATE, AlertKind.PREDICTED_DELAY), now)
            if raise_alert(visit, AlertKind.MISSED, now, detail="No check-in"):
                counts["missed"] += 1
                visit_changed(VISIT_MISSED, visit, now, now)
                notify_family("missed", visit, when=visit.planned_start, now=now)
        elif now > late_at and visit.status != VisitStatus.LATE:
            visit.status = VisitStatus.LATE
            estimate = _best_estimate(visit, now, settings)  # kept on the alert: the family screen shows it
            if raise_alert(
                visit,
                AlertKind.LATE,
                now,
                detail=f"No check-in {c.late_minutes} minutes after planned start",
                expected_arrival=estimate,
            ):
                counts["late"] += 1
                visit_changed(VISIT_LATE, visit, now, now)
                if not _told_of_delay(visit.id):
                    notify_family("delay", visit, when=estimate, now=now)


def _best_estimate(visit: Visit, now: datetime, settings: dict) -> datetime | None:
    busy = open_check_ins([a.worker_id for a in visit.active_assignments], now)
    estimates = [expected_arrival(visit, a.worker, now, travel_model(settings), busy.get(a.worker_id))
                 for a in visit.active_assignments]
    return min((e[0] for e in estimates if e), default=None)


def _told_of_delay(visit_id: int) -> bool:
    return db.session.scalar(select(Alert.id).where(
        Alert.visit_id == visit_id, Alert.kind == AlertKind.PREDICTED_DELAY)) is not None


def _no_checkout(now: datetime, counts: dict) -> None:
    running = db.session.scalars(select(Visit).where(
        Visit.status == VisitStatus.IN_PROGRESS, Visit.planned_start >= now - LOOKBACK, Visit.planned_start < now)
        .order_by(Visit.planned_start, Visit.id))
    for visit in running:
        deadline = visit.planned_start + timedelta(minutes=visit.planned_minutes + visit.contract.no_checkout_minutes)
        if now <= deadline:
            continue
        for a in visit.active_assignments:
            if a.checked_in_at and not a.checked_out_at:
                open_exception(
                    visit, ExceptionKind.NO_CHECKOUT, now, worker_id=a.worker_id, detail="No check-out recorded"
                )
                if raise_alert(visit, AlertKind.NO_CHECKOUT, now, worker_id=a.worker_id):
                    counts["no_checkout"] += 1


def waiting_visit_ids(now: datetime):
    """Visits with an open alert saying nobody has come yet; read through the open-alerts index."""
    return select(Alert.visit_id).where(
        Alert.kind.in_(WAITING), Alert.resolved_at.is_(None), Alert.raised_at >= now - LOOKBACK)


def _arrivals(now: datetime, counts: dict) -> None:
    """A carer checked in on a visit still waiting (late, missed or predicted late): clear it, tell those told."""
    # The few ids first: as a subquery under the visit's joined loads the planner may scan every visit.
    waiting = set(db.session.scalars(waiting_visit_ids(now)))
    arrived = db.session.scalars(select(Visit).where(
        Visit.id.in_(waiting), Visit.started_at.is_not(None)).order_by(Visit.id)).all() if waiting else []
    for visit in arrived:
        resolve_alerts(visit.id, WAITING, now)
        notify_family("arrived", visit, when=visit.started_at, now=now, user_ids=told_of_absence(visit.id))
        counts["arrived"] += 1


def _predicted(now: datetime, settings: dict, counts: dict) -> None:
    coming = db.session.scalars(select(Visit).where(
        Visit.status.in_(NOT_STARTED), Visit.planned_start >= now - timedelta(minutes=60),
        Visit.planned_start < now + timedelta(minutes=settings["prediction_lookahead_minutes"]),
        Visit.started_at.is_(None)).order_by(Visit.planned_start, Visit.id)).all()
    busy = open_check_ins([a.worker_id for visit in coming for a in visit.active_assignments], now)
    for visit in coming:
        threshold = visit.planned_start + timedelta(minutes=visit.contract.late_minutes)
        for a in visit.active_assignments:
            estimate = expected_arrival(visit, a.worker, now, travel_model(settings), busy.get(a.worker_id))
            if estimate is None or estimate[0] <= threshold:
                continue
            arrival, why = estimate
            if raise_alert(visit, AlertKind.PREDICTED_DELAY, now, worker_id=a.worker_id, expected_arrival=arrival,
                           detail=f"{a.worker.name} {why}; expected {arrival:%H:%M} UTC"):
                counts["predicted_delay"] += 1
                notify_family("delay", visit, when=arrival, now=now)


def _escalate(now: datetime, settings: dict, counts: dict) -> None:
    """Missed alerts nobody has acknowledged, on visits still without a carer, once each."""
    stale = db.session.scalars(select(Alert).join(Visit, Visit.id == Alert.visit_id).where(
        Alert.kind == AlertKind.MISSED, Alert.acknowledged_at.is_(None), Alert.resolved_at.is_(None),
        Alert.escalated_at.is_(None), Alert.raised_at >= now - LOOKBACK,
        Alert.raised_at <= now - timedelta(minutes=settings["escalation_minutes"]),
        Visit.status == VisitStatus.MISSED, Visit.started_at.is_(None)).order_by(Alert.id)).all()
    for alert in stale:
        alert.escalated_at = now
        if notify_on_call(alert, db.session.get(Provider, alert.provider_id), now):
            counts["escalated"] += 1
