"""Scans driven with explicit times: scheduled → late → missed, arrivals, predictions, escalation."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from server.config import load_settings
from server.extensions import db
from server.monitoring.models import Alert
from server.monitoring.scans import scan
from server.notify.models import Notification
from server.visits.models import Visit, VisitException
from server.visits.service import record_event
from tests.factories import HOME

# Delay prediction uses the shared travel model; a road factor of 1 at 20 km/h by car keeps the figures below
# worked out by hand on the straight line.
SETTINGS = {**load_settings(), "travel_road_factor": 1.0, "travel_speed_car_kmh": 20}
M = timedelta(minutes=1)


def check(kind, visit, worker, at, lat=HOME[0], lon=HOME[1]):
    record_event(worker_id=worker.id, visit_id=visit.id, now=at, data={
        "idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at, "lat": lat, "lon": lon,
        "accuracy_m": 10})
    db.session.commit()


def alerts(visit):
    return sorted((a.kind, a.resolved_at is not None) for a in
                  db.session.scalars(select(Alert).where(Alert.visit_id == visit.id)))


def family_messages(visit):
    return [n.kind for n in db.session.scalars(
        select(Notification).where(Notification.visit_id == visit.id).order_by(Notification.id))]


def test_visit_goes_late_then_missed_as_time_moves(world):
    visit = world.alpha.visits[0]  # 09:00 UTC, 30 minutes; thresholds late 30, missed 60
    scan(world.start + 30 * M, SETTINGS)
    assert db.session.get(Visit, visit.id).status == "scheduled"  # exactly on the threshold is not late
    scan(world.start + 30 * M + timedelta(seconds=1), SETTINGS)
    assert db.session.get(Visit, visit.id).status == "late"
    assert alerts(visit) == [("late", False)]
    assert family_messages(visit) == ["delay"]
    scan(world.start + 61 * M, SETTINGS)
    assert db.session.get(Visit, visit.id).status == "missed"
    assert alerts(visit) == [("late", True), ("missed", False)]
    assert family_messages(visit) == ["delay", "missed"]


def test_scanning_twice_raises_each_alert_and_message_once(world):
    for _ in range(3):
        scan(world.start + 31 * M, SETTINGS)
    scan(world.start + 90 * M, SETTINGS)
    scan(world.start + 90 * M, SETTINGS)
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 2 * 3 * 2  # late+missed, 2 visits, 3 providers
    keys = db.session.scalars(select(Notification.dedupe_key)).all()
    assert len(keys) == len(set(keys))
    assert sorted(n for n in family_messages(world.alpha.visits[0])) == ["delay", "missed"]


def test_check_in_at_the_last_second_is_on_time_and_never_late(world):
    visit, worker = world.alpha.visits[0], world.alpha.workers[0]
    check("check_in", visit, worker, world.start + 30 * M)
    scan(world.start + 45 * M, SETTINGS)
    visit = db.session.get(Visit, visit.id)
    assert (visit.status, visit.punctuality) == ("in_progress", "on_time")
    assert alerts(visit) == []


def test_late_check_in_clears_the_alert_and_tells_the_family_the_carer_arrived(world):
    visit, worker = world.alpha.visits[0], world.alpha.workers[0]
    scan(world.start + 35 * M, SETTINGS)
    check("check_in", visit, worker, world.start + 40 * M)
    scan(world.start + 41 * M, SETTINGS)
    assert alerts(visit) == [("late", True)]
    assert family_messages(visit) == ["delay", "arrived"]
    arrived = db.session.scalar(select(Notification).where(Notification.kind == "arrived"))
    assert "arrived at 09:40" in arrived.body  # November: London is on GMT
    assert db.session.get(Visit, visit.id).punctuality == "late"


def test_no_checkout_opens_an_exception_after_the_threshold(world):
    visit, worker = world.alpha.visits[0], world.alpha.workers[0]
    check("check_in", visit, worker, world.start)
    scan(world.start + 90 * M, SETTINGS)  # planned end 09:30 + 60 = 10:30
    assert alerts(visit) == []
    scan(world.start + 91 * M, SETTINGS)
    assert alerts(visit) == [("no_checkout", False)]
    kinds = db.session.scalars(select(VisitException.kind).where(VisitException.visit_id == visit.id)).all()
    assert kinds == ["no_checkout"]


def test_worker_still_at_another_visit_raises_a_predicted_delay_before_it_is_late(world):
    a = world.alpha
    from tests.factories import client_for, visit_for

    # The worker is checked in at client 1 until 09:30; the next visit is 20 km north (0.18 degrees).
    far = client_for(a.contract, "Faraway", lat=HOME[0] + 0.18, lon=HOME[1])
    nxt = visit_for(far, world.start + 40 * M, workers=[a.workers[0]])
    db.session.commit()
    check("check_in", a.visits[0], a.workers[0], world.start)
    scan(world.start + 20 * M, SETTINGS)
    alert = db.session.scalar(select(Alert).where(Alert.visit_id == nxt.id))
    assert alert.kind == "predicted_delay"
    # Leaves 09:30, 20.0 km at 20 km/h is an hour: about 10:30, past 09:40 + 30.
    assert abs(alert.expected_arrival - datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc)) < 2 * M
    assert db.session.get(Visit, nxt.id).status == "scheduled"


def test_a_check_in_left_open_since_yesterday_is_not_where_the_worker_is(world):
    a = world.alpha
    from tests.factories import client_for, visit_for

    # Checked in at 09:00 yesterday and never out; today's visit is 20 km away and nothing else is known.
    far = client_for(a.contract, "Faraway", lat=HOME[0] + 0.18, lon=HOME[1])
    yesterday = visit_for(a.clients[0], world.start - timedelta(days=1), workers=[a.workers[0]])
    today = visit_for(far, world.start + 40 * M, workers=[a.workers[0]])
    db.session.commit()
    check("check_in", yesterday, a.workers[0], world.start - timedelta(days=1))
    a.workers[0].last_seen_at = None  # no recent fix either
    db.session.commit()
    scan(world.start + 20 * M, SETTINGS)
    assert alerts(today) == []


def test_unacknowledged_missed_alert_escalates_to_on_call_once(world):
    scan(world.start + 61 * M, SETTINGS)
    scan(world.start + 61 * M + timedelta(minutes=SETTINGS["escalation_minutes"]), SETTINGS)
    scan(world.start + 90 * M, SETTINGS)
    escalations = db.session.scalars(select(Notification).where(Notification.kind == "escalation")).all()
    assert len(escalations) == 6  # one per missed visit
    assert {n.recipient for n in escalations} == {"oncall@alpha.example", "oncall@beta.example",
                                                  "oncall@gamma.example"}


def test_quiet_hours_defer_family_messages_to_their_end_in_local_time(world):
    from server.directory.models import FamilyLink

    link = db.session.scalar(select(FamilyLink).where(FamilyLink.user_id == world.alpha.family.id))
    link.quiet_from, link.quiet_to = "08:00", "10:00"
    db.session.commit()
    scan(world.start + 31 * M, SETTINGS)
    delay = db.session.scalar(select(Notification).where(Notification.user_id == world.alpha.family.id))
    assert delay.next_attempt_at == datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def test_opted_out_family_is_not_told(world):
    from server.directory.models import FamilyLink

    link = db.session.scalar(select(FamilyLink).where(FamilyLink.user_id == world.alpha.family.id))
    link.opted_out = True
    db.session.commit()
    scan(world.start + 61 * M, SETTINGS)
    assert family_messages(world.alpha.visits[0]) == []
    assert db.session.get(Visit, world.alpha.visits[0].id).status == "missed"


def test_check_in_after_missed_clears_the_alert_and_tells_the_family_once(world):
    visit, worker = world.alpha.visits[0], world.alpha.workers[0]
    scan(world.start + 35 * M, SETTINGS)
    scan(world.start + 61 * M, SETTINGS)
    assert db.session.get(Visit, visit.id).status == "missed"
    check("check_in", visit, worker, world.start + 70 * M)
    first = scan(world.start + 71 * M, SETTINGS)
    scan(world.start + 72 * M, SETTINGS)
    assert first["arrived"] == 1
    assert alerts(visit) == [("late", True), ("missed", True)]
    assert family_messages(visit) == ["delay", "missed", "arrived"]
    arrived = db.session.scalar(select(Notification).where(Notification.kind == "arrived"))
    assert "arrived at 10:10" in arrived.body
    assert db.session.get(Visit, visit.id).status == "in_progress"


def test_arrival_is_told_only_to_relatives_who_heard_of_the_delay(world):
    from server.directory.models import FamilyLink
    from tests.factories import user

    visit, worker = world.alpha.visits[0], world.alpha.workers[0]
    scan(world.start + 35 * M, SETTINGS)  # the existing relative is told of the delay
    newcomer = user("grandson@alpha.example", "family")
    db.session.add(FamilyLink(user_id=newcomer.id, client_id=visit.client_id, email=newcomer.email))
    db.session.commit()
    check("check_in", visit, worker, world.start + 40 * M)
    scan(world.start + 41 * M, SETTINGS)
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "arrived")).all()
    assert told == [world.alpha.family.id]


def test_on_time_visit_with_no_delay_sends_no_arrival(world):
    visit, worker = world.alpha.visits[0], world.alpha.workers[0]
    check("check_in", visit, worker, world.start + 5 * M)
    scan(world.start + 41 * M, SETTINGS)
    assert family_messages(visit) == []


def escalations():
    return db.session.scalars(select(Notification).where(Notification.kind == "escalation")).all()


def test_nothing_escalates_before_the_escalation_minutes_pass(world):
    wait = timedelta(minutes=SETTINGS["escalation_minutes"])
    scan(world.start + 61 * M, SETTINGS)
    scan(world.start + 61 * M + wait - timedelta(seconds=1), SETTINGS)
    assert escalations() == []
    scan(world.start + 61 * M + wait, SETTINGS)
    assert len(escalations()) == 6


def test_escalation_is_sent_once_however_often_the_scan_runs(world):
    wait = timedelta(minutes=SETTINGS["escalation_minutes"])
    scan(world.start + 61 * M, SETTINGS)
    first = world.start + 61 * M + wait
    for minute in range(5):
        scan(first + minute * M, SETTINGS)
    assert len(escalations()) == 6
    escalated = {a.escalated_at for a in db.session.scalars(select(Alert).where(Alert.kind == "missed"))}
    assert escalated == {first}


def test_acknowledged_or_arrived_missed_visits_are_not_escalated(world):
    a = world.alpha
    scan(world.start + 61 * M, SETTINGS)
    acked = db.session.scalar(select(Alert).where(Alert.visit_id == a.visits[0].id, Alert.kind == "missed"))
    acked.acknowledged_at = world.start + 62 * M
    db.session.commit()
    check("check_in", a.visits[1], a.workers[1], world.start + 63 * M)
    scan(world.start + 61 * M + timedelta(minutes=SETTINGS["escalation_minutes"]), SETTINGS)
    escalated = {n.visit_id for n in escalations()}
    assert a.visits[0].id not in escalated and a.visits[1].id not in escalated
    assert len(escalated) == 4  # Beta's and Gamma's missed visits still go to their on-call contacts
    assert db.session.get(Alert, acked.id).escalated_at is None


def test_check_in_between_scans_stops_the_escalation_in_the_same_scan(world):
    visit, worker = world.alpha.visits[0], world.alpha.workers[0]
    scan(world.start + 61 * M, SETTINGS)
    check("check_in", visit, worker, world.start + 70 * M)
    scan(world.start + 61 * M + timedelta(minutes=SETTINGS["escalation_minutes"]), SETTINGS)
    assert visit.id not in {n.visit_id for n in escalations()}


@pytest.mark.parametrize("start", [datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc),  # 09:00 GMT
                                   datetime(2026, 7, 20, 8, 0, tzinfo=timezone.utc)],  # 09:00 BST
                         ids=["winter", "summer"])
def test_worker_too_far_from_the_next_visit_raises_a_predicted_delay_and_tells_the_family(app, start):
    from tests.factories import make_world, visit_for

    world = make_world(start)
    a = world.alpha
    worker = a.workers[1]
    # Last seen 20 km north five minutes ago; the visit is at 09:40 local, late after 10:10.
    worker.last_lat, worker.last_lon, worker.last_seen_at = HOME[0] + 0.18, HOME[1], start + 15 * M
    nxt = visit_for(a.clients[0], start + 40 * M, workers=[worker])
    db.session.commit()
    counts = scan(start + 20 * M, SETTINGS)
    alert = db.session.scalar(select(Alert).where(Alert.visit_id == nxt.id))
    assert (alert.kind, alert.worker_id) == ("predicted_delay", worker.id)
    assert counts["predicted_delay"] == 2  # their 09:00 visit to the other client is predicted late too
    # 20.0 km at 20 km/h from 09:20: about 10:20 local.
    assert abs(alert.expected_arrival - (start + 80 * M)) < 2 * M
    told = db.session.scalar(select(Notification).where(Notification.visit_id == nxt.id))
    assert (told.kind, told.user_id) == ("delay", a.family.id)
    assert "is now expected about 10:20" in told.body
    scan(start + 21 * M, SETTINGS)
    assert family_messages(nxt) == ["delay"]


def test_worker_near_enough_to_arrive_before_the_late_threshold_raises_nothing(world):
    from tests.factories import visit_for

    a = world.alpha
    worker = a.workers[1]
    # 5 km away is 15 minutes: arrives 09:35 for a 09:40 visit.
    worker.last_lat, worker.last_lon, worker.last_seen_at = HOME[0] + 0.045, HOME[1], world.start + 15 * M
    nxt = visit_for(a.clients[0], world.start + 40 * M, workers=[worker])
    db.session.commit()
    scan(world.start + 20 * M, SETTINGS)
    assert alerts(nxt) == [] and family_messages(nxt) == []
