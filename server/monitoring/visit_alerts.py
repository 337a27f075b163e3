"""The alerts that follow what happens at a visit, received from the visits domain's signals.

Visits sits below monitoring and does not know alerts exist: it says what happened (a fix outside the
geofence, corrected times, a resolved exception, a cancellation, a page being listed) and these receivers
raise, close or show the alerts that go with it.
"""
from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db
from server.monitoring.alerts import raise_alert, resolve_alerts
from server.monitoring.models import ALERT_KINDS, Alert, AlertKind
from server.visits import signals

# Exceptions that the scheduler or the event service also raise as alerts, per carer.
EXCEPTION_ALERTS = frozenset({AlertKind.OUTSIDE_GEOFENCE, AlertKind.NO_CHECKOUT})


@signals.outside_geofence.connect
def _outside_geofence(visit, *, now, worker_id, detail):
    # Coordinators watch alerts, not exceptions: this one needs someone to look now.
    raise_alert(visit, AlertKind.OUTSIDE_GEOFENCE, now, worker_id=worker_id, detail=detail)


@signals.times_corrected.connect
def _times_corrected(visit, *, now, worker_id):
    resolve_alerts(visit.id, EXCEPTION_ALERTS, now, worker_id=worker_id)


@signals.exception_resolved.connect
def _exception_resolved(visit, *, exception, now):
    if exception.kind in EXCEPTION_ALERTS:  # settled there, so no longer a coordinator's alert either
        resolve_alerts(visit.id, (exception.kind,), now, worker_id=exception.worker_id)


@signals.cancelled.connect
def _cancelled(visit, *, now):
    resolve_alerts(visit.id, ALERT_KINDS, now)


@signals.listed.connect
def attach_expected_arrivals(visits: list) -> None:
    """When the scheduler now expects a carer at each visit not yet started: the earliest arrival on its
    open delay alerts (predicted delay, late), in one query for the page; None when no delay is open."""
    waiting = [v.id for v in visits if v.started_at is None]
    found = {}
    if waiting:
        found = dict(
            db.session.execute(
                select(Alert.visit_id, func.min(Alert.expected_arrival))
                .where(
                    Alert.visit_id.in_(waiting),
                    Alert.kind.in_((AlertKind.PREDICTED_DELAY, AlertKind.LATE)),
                    Alert.resolved_at.is_(None),
                    Alert.expected_arrival.is_not(None),
                )
                .group_by(Alert.visit_id)
            ).all()
        )
    for visit in visits:
        visit.expected_arrival_at = found.get(visit.id)
