"""Raising and clearing alerts, once each however often a scan runs."""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select

from server.extensions import db
from server.monitoring.models import Alert
from server.unique import insert_once
from server.webhooks.events import alert_raised


def raise_alert(visit, kind: str, now: datetime, *, worker_id: int | None = None, detail: str | None = None,
                expected_arrival: datetime | None = None) -> Alert | None:
    """The new alert, or None when this visit already has it (raised by an earlier or a racing scan)."""
    key = f"{visit.id}:{kind}:{worker_id or 0}"
    if db.session.scalar(select(Alert.id).where(Alert.dedupe_key == key)) is not None:
        return None
    alert = Alert(dedupe_key=key, visit_id=visit.id, provider_id=visit.provider_id, client_id=visit.client_id,
                  worker_id=worker_id, kind=kind, detail=detail, raised_at=now, expected_arrival=expected_arrival)
    if not insert_once(alert):
        return None
    alert_raised(alert, visit, now)
    return alert


def resolve_alerts(visit_id: int, kinds: Collection[str], now: datetime, worker_id: int | None = None) -> list[Alert]:
    """Close a visit's open alerts of these kinds: every carer's, or with worker_id that carer's and the visit's own."""
    stmt = select(Alert).where(Alert.visit_id == visit_id, Alert.kind.in_(kinds), Alert.resolved_at.is_(None))
    if worker_id is not None:
        stmt = stmt.where((Alert.worker_id == worker_id) | Alert.worker_id.is_(None))
    alerts = db.session.scalars(stmt).all()
    for alert in alerts:
        alert.resolved_at = now
    return alerts
