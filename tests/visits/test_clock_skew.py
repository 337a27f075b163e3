"""A phone whose clock runs ahead: its events are kept as sent, flagged, hold the pay, and move nobody into the
future."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from server.directory.models import Worker
from server.extensions import db
from server.visits.models import Visit, VisitException
from tests.builders import event, post
from tests.factories import HOME
from tests.sessions import headers_for

ELSEWHERE = (54.3600, -2.7000)


def open_exception_kinds(visit_id):
    return db.session.scalars(select(VisitException.kind).where(
        VisitException.visit_id == visit_id, VisitException.resolved_at.is_(None))).all()


def test_an_event_timed_ahead_of_server_time_is_flagged_and_holds_the_visits_pay(client, world, app):
    a = world.alpha
    visit, worker = a.visits[0], a.worker_users[0]
    threshold = timedelta(seconds=app.config["CAREMON"]["clock_skew_threshold_s"])
    sent = datetime.now(timezone.utc)
    r = post(client, worker, visit.id, event("check_in", sent + threshold - timedelta(seconds=20)))
    assert (r.status_code, r.get_json()["event"]["flags"]) == (201, [])  # inside the threshold: a clock's drift

    sent = datetime.now(timezone.utc)
    ahead = sent + timedelta(hours=3)
    r = post(client, worker, visit.id, event("check_out", ahead))
    answered = datetime.now(timezone.utc)
    assert r.status_code == 201
    body = r.get_json()
    assert body["event"]["flags"] == ["clock_skew"]
    assert body["event"]["device_time"] == ahead.isoformat()  # kept as sent
    assert open_exception_kinds(visit.id) == ["clock_skew"]
    checked_out = db.session.get(Visit, visit.id).assignments[0].checked_out_at
    assert sent <= checked_out <= answered  # the visit's time is when the server got it, not the phone's
    payable = client.get(f"/api/v1/visits/{visit.id}/payable", headers=headers_for(a.coordinator)).get_json()
    assert payable["held"] is True
    assert payable["lines"][0]["held_reason"] == "clock_skew"


def test_a_fast_clock_never_dates_the_workers_last_position_in_the_future(client, world):
    a = world.alpha
    worker = a.worker_users[0]
    before = datetime.now(timezone.utc)
    r = post(client, worker, a.visits[0].id, event("arrival", before + timedelta(days=1), lat=ELSEWHERE[0],
                                                   lon=ELSEWHERE[1]))
    assert r.status_code == 201
    after = datetime.now(timezone.utc)
    seen = db.session.get(Worker, a.workers[0].id)
    assert before <= seen.last_seen_at <= after
    assert (seen.last_lat, seen.last_lon) == ELSEWHERE

    # The next fix, on a clock put right, is newer than the skewed one and moves the worker on.
    now = datetime.now(timezone.utc)
    assert post(client, worker, a.visits[0].id, event("check_in", now)).status_code == 201
    db.session.expire_all()
    seen = db.session.get(Worker, a.workers[0].id)
    assert seen.last_seen_at == now
    assert (seen.last_lat, seen.last_lon) == HOME

