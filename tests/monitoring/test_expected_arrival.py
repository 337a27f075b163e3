"""A delayed visit's new expected time on the visit listing, as the scheduler estimated it.

Alpha Worker 1 was last seen 25 km from AlphaClient1's home; by car at 20 km/h (the shared travel model with
a road factor of 1, so the figures stay worked out by hand) that is 75 minutes away,
so for a 09:00 visit scanned at 08:30 the scheduler expects them at 09:45, past the 09:30 late line.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from geopy.distance import geodesic
from sqlalchemy import select

from server.config import load_settings
from server.extensions import db
from server.monitoring.models import Alert
from server.monitoring.scans import scan
from tests.factories import HOME
from tests.sessions import headers_for

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
SETTINGS = {
    **load_settings(),
    "travel_road_factor": 1.0,
    "travel_speed_car_kmh": 20,
    "prediction_lookahead_minutes": 120,
    "escalation_minutes": 15,
}
# 25 km due north of the home: 0.2248 degrees of latitude here.
FAR = (HOME[0] + 0.2248, HOME[1])


def listing(client, who) -> dict:
    r = client.get("/api/v1/visits", query_string={"date_from": "2026-11-23", "date_to": "2026-11-23"},
                   headers=headers_for(who))
    assert r.status_code == 200, r.get_json()
    return {v["id"]: v for v in r.get_json()["items"]}


def far_away(world, now):
    worker = world.alpha.workers[0]
    worker.last_lat, worker.last_lon, worker.last_seen_at = *FAR, now
    db.session.commit()


def test_family_listing_carries_the_expected_arrival_of_a_predicted_delay(client, world):
    visit = world.alpha.visits[0]
    assert listing(client, world.alpha.family)[visit.id]["expected_arrival"] is None
    scanned = START - timedelta(minutes=30)
    far_away(world, scanned)
    assert scan(scanned, SETTINGS)["predicted_delay"] == 1

    travel = timedelta(seconds=round(geodesic(FAR, HOME).km / 20 * 3600))
    assert timedelta(minutes=74) < travel < timedelta(minutes=76)
    [alert] = db.session.scalars(select(Alert).where(Alert.visit_id == visit.id)).all()
    assert alert.expected_arrival == scanned + travel
    shown = listing(client, world.alpha.family)[visit.id]
    assert datetime.fromisoformat(shown["expected_arrival"]) == scanned + travel
    # The coordinator's listing says the same; the other visit, with no delay, has none.
    coordinator_view = listing(client, world.alpha.coordinator)
    assert coordinator_view[visit.id]["expected_arrival"] == shown["expected_arrival"]
    assert coordinator_view[world.alpha.visits[1].id]["expected_arrival"] is None

    # Past the late line the visit is late and the estimate still stands.
    scan(START + timedelta(minutes=35), SETTINGS)
    late = listing(client, world.alpha.family)[visit.id]
    assert (late["status"], late["expected_arrival"]) == ("late", shown["expected_arrival"])


def test_expected_arrival_goes_when_the_carer_checks_in_and_stays_in_its_tenant(client, world):
    visit = world.alpha.visits[0]
    scanned = START - timedelta(minutes=30)
    far_away(world, scanned)
    scan(scanned, SETTINGS)
    # Another provider's family never sees the visit, delay or not.
    assert visit.id not in listing(client, world.beta.family)

    check_in = START + timedelta(minutes=44)
    r = client.post(f"/api/v1/visits/{visit.id}/events", headers=headers_for(world.alpha.worker_users[0]), json={
        "idempotency_key": str(uuid.uuid4()), "kind": "check_in", "device_time": check_in.isoformat(),
        "lat": HOME[0], "lon": HOME[1], "accuracy_m": 10.0})
    assert r.status_code == 201, r.get_json()
    assert listing(client, world.alpha.family)[visit.id]["expected_arrival"] is None


def test_a_visit_gone_late_without_warning_carries_the_schedulers_estimate(client, world):
    """No predicted delay was raised (the carer's phone reported in only after the visit was due)."""
    visit = world.alpha.visits[0]
    scanned = START + timedelta(minutes=35)
    far_away(world, scanned)
    scan(scanned, SETTINGS)
    travel = timedelta(seconds=round(geodesic(FAR, HOME).km / 20 * 3600))
    late = listing(client, world.alpha.family)[visit.id]
    assert late["status"] == "late"
    assert datetime.fromisoformat(late["expected_arrival"]) == scanned + travel
