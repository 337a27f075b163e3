"""Scans racing over the same due visits (as two schedulers would) raise each alert and queue each message once."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from server.config import load_settings
from server.extensions import db
from server.monitoring.models import Alert
from server.monitoring.scans import scan
from server.notify.models import Notification

SETTINGS = load_settings()
M = timedelta(minutes=1)


def race(app, now, runners=4):
    """Each runner has its own app context, so its own session and connection; they start together."""
    start, errors = threading.Barrier(runners), []

    def run():
        with app.app_context():
            start.wait()
            try:
                scan(now, SETTINGS)
            except Exception as exc:  # reported to the test below, not lost in the thread
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_racing_scans_create_each_alert_and_notification_once(app, world):
    race(app, world.start + 31 * M)
    race(app, world.start + 61 * M)
    race(app, world.start + 61 * M + timedelta(minutes=SETTINGS["escalation_minutes"]))
    db.session.expire_all()
    alerts = Counter(db.session.execute(select(Alert.visit_id, Alert.kind)).all())
    assert len(alerts) == 12 and set(alerts.values()) == {1}  # late and missed for 6 visits
    kinds = Counter(db.session.scalars(select(Notification.kind)))
    assert kinds == {"delay": 3, "missed": 3, "escalation": 6}  # one relative per provider, one on-call per visit
    assert db.session.scalar(select(func.count(func.distinct(Notification.dedupe_key)))) == 12
