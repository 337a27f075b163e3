"""Coordinators' alert list and acknowledgement; families' push and notification preferences."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from server.config import load_settings
from server.directory.models import FamilyLink
from server.extensions import db
from server.monitoring.models import Alert
from server.monitoring.scans import scan
from server.notify.models import PushSubscription
from tests.factories import HOME
from tests.sessions import headers_for

SUB = {"endpoint": "https://push.example.net/send/abc", "keys": {"p256dh": "B" + "x" * 86, "auth": "y" * 22}}


def late_world(world):
    scan(world.start + timedelta(minutes=61), load_settings())
    return db.session.scalar(select(Alert).where(Alert.visit_id == world.alpha.visits[0].id, Alert.kind == "missed"))


def test_coordinator_sees_and_acknowledges_own_alerts(client, world):
    alert = late_world(world)
    r = client.get("/api/v1/alerts", headers=headers_for(world.alpha.coordinator))
    assert {(a["visit_id"], a["kind"]) for a in r.get_json()} == {(v.id, "missed") for v in world.alpha.visits}
    assert r.get_json()[0]["client_name"].startswith("AlphaClient")
    r = client.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=headers_for(world.alpha.coordinator))
    assert r.status_code == 200 and r.get_json()["acknowledged_at"]
    open_ids = [a["id"] for a in client.get("/api/v1/alerts", headers=headers_for(world.alpha.coordinator)).get_json()]
    assert alert.id not in open_ids
    again = client.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=headers_for(world.alpha.coordinator))
    assert again.status_code == 409


def test_other_provider_cannot_see_or_acknowledge(client, world):
    alert = late_world(world)
    listed = client.get("/api/v1/alerts?status=all", headers=headers_for(world.beta.coordinator)).get_json()
    assert alert.id not in [a["id"] for a in listed]
    r = client.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=headers_for(world.beta.coordinator))
    assert r.status_code == 404
    assert (
        client.post(f"/api/v1/alerts/{2**64}/acknowledge", headers=headers_for(world.alpha.coordinator)).status_code
        == 404
    )
    assert db.session.get(Alert, alert.id).acknowledged_at is None
    for outsider in (world.alpha.worker_users[0], world.alpha.family, world.officer):
        assert client.get("/api/v1/alerts", headers=headers_for(outsider)).status_code == 403


def test_bad_alert_filter_is_422(client, world):
    r = client.get("/api/v1/alerts?status=everything", headers=headers_for(world.alpha.coordinator))
    assert r.status_code == 422 and "status" in r.get_json()["error"]["details"]["fields"]


def test_family_subscribes_to_push_and_sets_preferences(client, world, push_dns):
    fam = headers_for(world.alpha.family)
    key = client.get("/api/v1/notify/vapid-public-key", headers=fam).get_json()["public_key"]
    assert len(key) == 87  # 65-byte uncompressed P-256 point, base64url without padding
    assert client.post("/api/v1/notify/push-subscriptions", json=SUB, headers=fam).status_code == 201
    r = client.put("/api/v1/notify/preferences", headers=fam,
                   json={"channels": ["push", "email"], "quiet_from": "22:00", "quiet_to": "07:00"})
    assert r.status_code == 200
    link = db.session.scalar(select(FamilyLink).where(FamilyLink.user_id == world.alpha.family.id))
    assert (link.channels, link.quiet_from, link.quiet_to) == (["push", "email"], "22:00", "07:00")
    # Another family's member cannot remove this subscription.
    r = client.delete("/api/v1/notify/push-subscriptions", json={"endpoint": SUB["endpoint"]},
                      headers=headers_for(world.beta.family))
    assert r.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 1
    r = client.delete("/api/v1/notify/push-subscriptions", json={"endpoint": SUB["endpoint"]}, headers=fam)
    assert r.status_code == 204
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


def test_bad_preferences_and_subscriptions_are_422_and_change_nothing(client, world):
    fam = headers_for(world.alpha.family)
    for body in ({"channels": ["pigeon"]}, {"quiet_from": "25:00"}, {"opted_out": "perhaps"}):
        r = client.put("/api/v1/notify/preferences", json=body, headers=fam)
        assert r.status_code == 422, body
    link = db.session.scalar(select(FamilyLink).where(FamilyLink.user_id == world.alpha.family.id))
    assert (link.channels, link.quiet_from, link.opted_out) == (["email"], None, False)
    for body in ({"endpoint": "not a url", "keys": SUB["keys"]}, {"endpoint": SUB["endpoint"]}):
        assert client.post("/api/v1/notify/push-subscriptions", json=body, headers=fam).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0
    assert (
        client.put("/api/v1/notify/preferences", json={}, headers=headers_for(world.alpha.coordinator)).status_code
        == 403
    )


def post_event(client, world, kind, at, lat):
    body = {"idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at.isoformat(),
            "lat": lat, "lon": HOME[1], "accuracy_m": 10}
    r = client.post(f"/api/v1/visits/{world.alpha.visits[0].id}/events", json=body,
                    headers=headers_for(world.alpha.worker_users[0]))
    assert r.status_code == 201, r.get_json()


def test_check_in_outside_the_geofence_raises_one_alert_for_coordinators(client, world):
    far = HOME[0] + 0.01  # about 1.1 km north of the home
    post_event(client, world, "check_in", world.start, far)
    post_event(client, world, "check_out", world.start + timedelta(minutes=30), far)
    listed = client.get("/api/v1/alerts", headers=headers_for(world.alpha.coordinator)).get_json()
    assert [(a["visit_id"], a["kind"], a["worker_id"]) for a in listed] == [
        (world.alpha.visits[0].id, "outside_geofence", world.alpha.workers[0].id)]
    assert listed[0]["detail"].startswith("check-in 11")
    assert client.get("/api/v1/alerts", headers=headers_for(world.beta.coordinator)).get_json() == []


def test_check_in_inside_the_geofence_raises_no_alert(client, world):
    post_event(client, world, "check_in", world.start, HOME[0])
    assert client.get("/api/v1/alerts", headers=headers_for(world.alpha.coordinator)).get_json() == []


def test_cancelling_a_visit_closes_its_open_alerts(client, world):
    visit = world.alpha.visits[0]
    scan(world.start + timedelta(minutes=35), load_settings())
    r = client.patch(f"/api/v1/visits/{visit.id}", json={"cancel_reason": "Client in hospital"},
                     headers=headers_for(world.alpha.coordinator))
    assert r.status_code == 200
    late = db.session.scalar(select(Alert).where(Alert.visit_id == visit.id))
    assert (late.kind, late.resolved_at is not None) == ("late", True)
    scan(world.start + timedelta(minutes=61), load_settings())
    listed = client.get("/api/v1/alerts", headers=headers_for(world.alpha.coordinator)).get_json()
    assert {(a["visit_id"], a["kind"]) for a in listed} == {(world.alpha.visits[1].id, "missed")}


def test_resolving_the_geofence_exception_closes_its_alert(client, world):
    a, visit = world.alpha, world.alpha.visits[0]
    post_event(client, world, "check_in", world.start, HOME[0] + 0.01)
    (exc,) = client.get(f"/api/v1/visits/{visit.id}", headers=headers_for(a.coordinator)).get_json()["exceptions"]
    assert exc["kind"] == "outside_geofence"
    r = client.post(f"/api/v1/visits/{visit.id}/exceptions/{exc['id']}/resolve",
                    json={"reason_code": "confirmed_with_client"}, headers=headers_for(a.coordinator))
    assert r.status_code == 200, r.get_json()
    assert client.get("/api/v1/alerts", headers=headers_for(a.coordinator)).get_json() == []


def test_times_entered_for_a_carer_close_that_carers_no_checkout_alert(client, world):
    a, visit = world.alpha, world.alpha.visits[0]
    post_event(client, world, "check_in", world.start, HOME[0])
    scan(world.start + timedelta(minutes=95), load_settings())
    listed = client.get("/api/v1/alerts", headers=headers_for(a.coordinator)).get_json()
    assert (visit.id, "no_checkout") in {(x["visit_id"], x["kind"]) for x in listed}
    r = client.post(f"/api/v1/visits/{visit.id}/corrections", headers=headers_for(a.coordinator), json={
        "worker_id": a.workers[0].id, "check_in_at": world.start.isoformat(),
        "check_out_at": (world.start + timedelta(minutes=30)).isoformat(), "reason_code": "forgot_to_log"})
    assert r.status_code == 201, r.get_json()
    listed = client.get("/api/v1/alerts", headers=headers_for(a.coordinator)).get_json()
    assert (visit.id, "no_checkout") not in {(x["visit_id"], x["kind"]) for x in listed}
