"""Today's world for the browser tests: the factory's councils and roles, plus a run of visits today.

Times are local wall-clock times today (Europe/London), so the worker's run, the
coordinator's board and the family's week all show them whatever the hour the
tests run at. Past visits are played through the same event service the phones use.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from types import SimpleNamespace

from server.db_types import utcnow
from server.extensions import db
from server.timeutil import local_day_bounds, local_wall_time_to_utc, to_local
from server.visits.service import record_event
from tests.factories import HOME, make_world, visit_for

ZONE = "Europe/London"
HOME_2 = (HOME[0] + 0.006, HOME[1] + 0.012)


def play(visit, worker, kinds_at: list[tuple[str, datetime]], fix=(HOME[0], HOME[1], 10.0)) -> None:
    for kind, at in kinds_at:
        data = {"idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at, "device_id": "seed",
                "lat": fix[0], "lon": fix[1], "accuracy_m": fix[2]}
        if kind == "task_done":
            data["task"] = visit.tasks[0]
        record_event(worker_id=worker.id, visit_id=visit.id, data=data, now=at)


def seed_today(now: datetime | None = None) -> SimpleNamespace:
    now = now or utcnow()
    day = to_local(now, ZONE).date()

    def at(hhmm: str) -> datetime:
        return local_wall_time_to_utc(day, hhmm, ZONE)

    world = make_world(start=at("07:30"))
    a = world.alpha
    w0, w1 = a.workers
    c0, c1 = a.clients
    # The second home a kilometre or so away, so the map and geofence have two places to tell apart.
    c1.lat, c1.lon = HOME_2
    world.day = day
    # Worker 1's run today (after the factory's 07:30 visit): one done online, one offline, one with location refused.
    world.visit_online = visit_for(c0, at("10:00"), workers=[w0])
    world.visit_offline = visit_for(c1, at("12:00"), workers=[w0], tasks=("Lunch", "Medication", "Check fluids"))
    world.visit_denied = visit_for(c1, at("14:00"), workers=[w0])
    # Worker 2: the visit the scheduler will mark late, at the family's relative's home.
    world.visit_late = visit_for(c0, at("16:00"), workers=[w1])
    world.visit_evening = visit_for(c1, at("19:00"), minutes=45, workers=[w1, w0])
    # Something already delivered today, which the family can rate: it started before now, whatever the hour.
    start_of_day = local_day_bounds(day, ZONE)[0]
    delivered_at = max(start_of_day + timedelta(minutes=1), now - timedelta(minutes=70))
    world.visit_delivered = visit_for(c0, delivered_at, workers=[w1])
    play(world.visit_delivered, w1, [("arrival", delivered_at - timedelta(minutes=2)), ("check_in", delivered_at),
                                     ("task_done", delivered_at + timedelta(minutes=4)),
                                     ("check_out", delivered_at + timedelta(minutes=31))])
    db.session.commit()
    return world


def scan_at(visit, minutes_after_start: int) -> dict:
    """The scheduler's real scan, run as if the clock read this long after the visit's planned start."""
    from flask import current_app

    from server.monitoring.scans import scan

    return scan(visit.planned_start + timedelta(minutes=minutes_after_start), current_app.config["CAREMON"])


def mark_late(visit) -> None:
    """Half an hour and more past its start with nobody checked in: the scan marks the visit late."""
    scan_at(visit, 35)
    db.session.refresh(visit)
    assert visit.status == "late"
