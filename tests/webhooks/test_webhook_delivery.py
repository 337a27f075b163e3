"""Events reach a real receiver, signed: each event type where it happens, retries with backoff, a receiver that
is down, a host turned private, a rotated secret, and nothing for a change that was rolled back."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from standardwebhooks import WebhookVerificationError

from server.extensions import db
from server.monitoring.scans import scan
from server.webhooks.delivery import drain
from server.webhooks.models import Webhook, WebhookDelivery
from server.webhooks.publish import publish
from tests.servers import free_port
from tests.sessions import headers_for
from tests.webhooks.receiver import body_of, verify

URL = "/api/v1/webhooks"


def deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def send_all(settings) -> dict:
    return drain(settings, datetime.now(UTC))


def correct(client, world, visit, worker):
    """A coordinator records the carer's times: the visit is completed."""
    r = client.post(f"/api/v1/visits/{visit.id}/corrections", headers=headers_for(world.alpha.coordinator), json={
        "worker_id": worker.id, "check_in_at": world.start.isoformat(),
        "check_out_at": (world.start + timedelta(minutes=30)).isoformat(), "reason_code": "no_signal"})
    assert r.status_code == 201, r.get_json()


def test_late_then_missed_visits_and_their_alerts_are_delivered_signed(world, settings, receiver, register):
    register(world.alpha.admin, events=["visit.late", "visit.missed", "alert.raised"])
    visit = world.alpha.visits[0]
    scan(world.start + timedelta(minutes=35), settings)
    scan(world.start + timedelta(minutes=36), settings)  # a second scan raises nothing twice
    scan(world.start + timedelta(minutes=61), settings)
    assert send_all(settings)["delivered"] == 8
    # Both of Alpha's visits went late then missed; each step with its alert.
    assert sorted(receiver.events()) == sorted(["visit.late", "alert.raised", "visit.missed", "alert.raised"] * 2)
    assert all(r.error is None for r in receiver.received)
    late = next(p for p in receiver.verified if p["type"] == "visit.late" and p["data"]["visit"]["id"] == visit.id)
    assert late["data"]["visit"]["status"] == "late"
    assert late["data"]["visit"]["provider_id"] == world.alpha.provider.id
    assert late["timestamp"] == (world.start + timedelta(minutes=35)).isoformat()
    alerts = {p["data"]["alert"]["kind"] for p in receiver.verified if p["type"] == "alert.raised"}
    assert alerts == {"late", "missed"}
    headers = receiver.received[0].headers
    assert headers["webhook-id"].startswith("msg_") and headers["webhook-signature"].startswith("v1,")


def test_a_completed_visit_is_delivered_once(client, world, settings, receiver, register):
    register(world.alpha.admin, events=["visit.completed"])
    visit, worker = world.alpha.visits[0], world.alpha.workers[0]
    correct(client, world, visit, worker)
    correct(client, world, visit, worker)  # already completed: no second event
    send_all(settings)
    (payload,) = receiver.verified
    assert payload["type"] == "visit.completed"
    assert payload["data"]["visit"]["id"] == visit.id and payload["data"]["visit"]["status"] == "completed"
    assert payload["timestamp"] == (world.start + timedelta(minutes=30)).isoformat()


def test_a_completed_visit_reported_by_the_feed_carries_the_providers_reference(client, world, settings, receiver,
                                                                                  register):
    from tests.factories import api_client_for

    api_client, _ = api_client_for(world.alpha)
    feed = headers_for(api_client)
    register(world.alpha.admin, events=["visit.completed"])
    client.put("/api/v1/feed/workers", headers=feed, json={"items": [{"ref": "W-1", "name": "Ann"}]})
    client.put("/api/v1/feed/clients", headers=feed, json={"items": [
        {"ref": "C-1", "contract_reference": "N-A", "name": "Mary", "address": "1 Lane", "lat": 54.3, "lon": -2.7}]})
    r = client.put("/api/v1/feed/visits", headers=feed, json={"items": [
        {"ref": "V-1", "client_ref": "C-1", "worker_refs": ["W-1"], "planned_start": world.start.isoformat(),
         "planned_minutes": 30}]})
    visit_id = r.get_json()["results"][0]["id"]
    for kind, minutes in (("check_in", 0), ("check_out", 30)):
        at = (world.start + timedelta(minutes=minutes)).isoformat()
        r = client.post("/api/v1/feed/events", headers=feed, json={"items": [
            {"idempotency_key": f"00000000-0000-4000-8000-00000000000{minutes // 30}", "kind": kind,
             "device_time": at, "lat": 54.3, "lon": -2.7, "accuracy_m": 10.0, "worker_ref": "W-1",
             "visit_ref": "V-1"}]})
        assert r.get_json()["results"][0]["status"] == "accepted", r.get_json()
    send_all(settings)
    (payload,) = receiver.verified
    assert payload["data"]["visit"]["id"] == visit_id and payload["data"]["visit"]["ref"] == "V-1"


def test_a_closed_period_goes_to_the_council_and_the_provider(client, world, settings, receiver, register):
    register(world.officer, events=["period.closed"])
    provider_hook = register(world.alpha.admin, events=["period.closed"])  # the receiver now checks this secret
    r = client.post("/api/v1/periods", json={"contract_id": world.alpha.contract.id, "date_from": "2026-11-16",
                                             "date_to": "2026-11-22"}, headers=headers_for(world.officer))
    assert r.status_code == 201, r.get_json()
    send_all(settings)
    assert len(receiver.received) == 2
    (provider_copy,) = [d for d in deliveries() if d.webhook_id == provider_hook["id"]]
    (payload,) = receiver.verified  # the council's copy is signed with the council's secret
    assert payload["type"] == "period.closed" and payload["data"]["period"]["id"] == r.get_json()["id"]
    assert payload["data"]["period"]["contract_reference"] == "N-A"
    assert provider_copy.status == "delivered"


def test_the_councils_webhook_hears_every_contract_of_the_council_and_no_other(world, settings, receiver, register):
    register(world.officer, events=["visit.late"])
    scan(world.start + timedelta(minutes=35), settings)
    send_all(settings)
    providers = {p["data"]["visit"]["provider_id"] for p in receiver.verified}
    assert providers == {world.alpha.provider.id, world.beta.provider.id}  # not Gamma, of the other council
    assert len(receiver.verified) == 4


def test_a_provider_hears_nothing_of_another_provider(world, settings, receiver, register):
    register(world.beta.admin, events=["visit.late"])
    for visit in world.beta.visits:
        visit.planned_start += timedelta(days=1)  # Beta's visits are not due; Alpha's are
    db.session.commit()
    scan(world.start + timedelta(minutes=35), settings)
    assert send_all(settings)["delivered"] == 0 and receiver.received == []


def only_alphas_first_visit_due(world):
    world.alpha.visits[1].planned_start += timedelta(days=1)
    db.session.commit()


def test_a_failed_attempt_is_retried_with_backoff_then_delivered(world, settings, receiver, register):
    register(world.alpha.admin, events=["visit.late"])
    only_alphas_first_visit_due(world)
    receiver.statuses = [500, 503]
    now = world.start + timedelta(minutes=35)
    scan(now, settings)
    assert drain(settings, now) == {"delivered": 0, "pending": 1, "failed": 0}
    (row,) = deliveries()
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == ("pending", 1, 500, "HTTP 500")
    assert row.next_attempt_at == now + timedelta(seconds=30)
    assert drain(settings, now + timedelta(seconds=29))["pending"] == 0  # not due yet: nothing sent
    assert len(receiver.received) == 1
    drain(settings, now + timedelta(seconds=30))
    (row,) = deliveries()
    assert (row.attempts, row.last_status_code) == (2, 503)
    assert row.next_attempt_at == now + timedelta(seconds=30 + 60)  # the wait doubles
    assert drain(settings, row.next_attempt_at) == {"delivered": 1, "pending": 0, "failed": 0}
    (row,) = deliveries()
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == ("delivered", 3, 200, None)
    assert row.delivered_at == now + timedelta(seconds=90)
    # Every attempt carries the same webhook-id, so the receiver can drop a repeat; each verifies.
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert len(receiver.verified) == 3
    assert drain(settings, now + timedelta(days=1)) == {"delivered": 0, "pending": 0, "failed": 0}


def test_a_receiver_that_is_down_is_retried_until_max_attempts_then_failed(world, settings, register):
    settings["webhooks_max_attempts"] = 3
    register(world.alpha.admin, url=f"http://127.0.0.1:{free_port()}/down", events=["visit.late"])
    visit = world.alpha.visits[0]
    only_alphas_first_visit_due(world)
    now = world.start + timedelta(minutes=35)
    scan(now, settings)
    waits = []
    for _ in range(3):
        (row,) = deliveries()
        drain(settings, row.next_attempt_at)
        (row,) = deliveries()
        waits.append(row.next_attempt_at - (row.attempted_at or now))
    assert row.status == "failed" and row.attempts == 3
    assert row.last_status_code is None and "ConnectionError" in row.last_error
    assert waits[:2] == [timedelta(seconds=30), timedelta(seconds=60)]  # doubling
    assert row.payload["data"]["visit"]["id"] == visit.id


def test_a_host_turned_private_fails_at_once(client, world, settings, push_dns, register):
    push_dns["hooks.example.net"] = ["93.184.215.14"]
    hook = register(world.alpha.admin, url="https://hooks.example.net/in", events=["visit.late"])
    push_dns["hooks.example.net"] = ["10.1.2.3"]  # DNS changed since registration
    scan(world.start + timedelta(minutes=35), settings)
    assert send_all(settings)["failed"] == 2
    assert all("not public" in d.last_error and d.attempts == 1 for d in deliveries())
    r = client.get(f"{URL}/{hook['id']}/deliveries", headers=headers_for(world.alpha.admin))
    assert {d["status"] for d in r.get_json()["items"]} == {"failed"}


def test_after_rotation_the_old_secret_no_longer_verifies(client, world, settings, receiver, register):
    hook = register(world.alpha.admin, events=["visit.late"])
    old = receiver.secret
    r = client.post(f"{URL}/{hook['id']}/rotate-secret", headers=headers_for(world.alpha.admin))
    receiver.secret = r.get_json()["secret"]
    scan(world.start + timedelta(minutes=35), settings)
    send_all(settings)
    assert len(receiver.verified) == 2
    for received in receiver.received:
        with pytest.raises(WebhookVerificationError):
            verify(old, received)


def test_a_tampered_body_does_not_verify(world, settings, receiver, register):
    register(world.alpha.admin, events=["visit.late"])
    scan(world.start + timedelta(minutes=35), settings)
    send_all(settings)
    received = receiver.received[0]
    received.body = received.body.replace(b'"late"', b'"completed"')
    with pytest.raises(WebhookVerificationError):
        verify(receiver.secret, received)


def test_a_change_rolled_back_sends_nothing(world, settings, receiver, register):
    register(world.alpha.admin, events=["visit.late"])
    visit = world.alpha.visits[0]
    assert publish("visit.late", lambda: {"visit": {"id": visit.id}}, at=world.start, now=world.start,
                   provider_id=visit.provider_id) == 1
    db.session.rollback()
    assert send_all(settings)["delivered"] == 0 and deliveries() == [] and receiver.received == []


def test_a_paused_webhook_gets_nothing_queued_and_its_queue_waits(client, world, settings, receiver, register):
    hook = register(world.alpha.admin, events=["visit.late", "visit.missed"])
    admin = headers_for(world.alpha.admin)
    scan(world.start + timedelta(minutes=35), settings)
    client.patch(f"{URL}/{hook['id']}", json={"active": False}, headers=admin)
    scan(world.start + timedelta(minutes=61), settings)  # missed while paused: not queued
    assert send_all(settings)["delivered"] == 0
    client.patch(f"{URL}/{hook['id']}", json={"active": True}, headers=admin)
    assert send_all(settings)["delivered"] == 2
    assert receiver.events() == ["visit.late", "visit.late"]


def test_deliveries_are_listed_with_their_last_status(client, world, settings, receiver, register):
    hook = register(world.alpha.admin, events=["visit.late"])
    receiver.statuses = [500]
    scan(world.start + timedelta(minutes=35), settings)
    send_all(settings)
    admin = headers_for(world.alpha.admin)
    r = client.get(f"{URL}/{hook['id']}/deliveries", query_string={"limit": 1}, headers=admin)
    first = r.get_json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    rest = client.get(f"{URL}/{hook['id']}/deliveries", query_string={"cursor": first["next_cursor"]},
                      headers=admin).get_json()
    items = first["items"] + rest["items"]
    assert rest["next_cursor"] is None
    assert sorted((d["status"], d["last_status_code"]) for d in items) == [("delivered", 200), ("pending", 500)]
    for d in items:
        assert d["event_type"] == "visit.late" and d["attempts"] == 1 and d["next_attempt_at"]
    failed = next(d for d in items if d["status"] == "pending")
    assert failed["last_error"] == "HTTP 500" and failed["delivered_at"] is None
    latest = client.get(f"{URL}/{hook['id']}", headers=admin).get_json()["last_delivery"]
    assert latest["id"] == max(d["id"] for d in items)
    assert client.get(URL, headers=admin).get_json()[0]["last_delivery"]["id"] == latest["id"]


def test_the_test_endpoint_sends_a_signed_ping_now(client, world, settings, receiver, register):
    hook = register(world.officer, events=["period.closed"])
    r = client.post(f"{URL}/{hook['id']}/test", headers=headers_for(world.officer))
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["status"], r.get_json()["last_status_code"]) == ("delivered", 200)
    (payload,) = receiver.verified
    assert payload == {"type": "webhook.ping", "timestamp": payload["timestamp"], "data": {"webhook_id": hook["id"]}}


def test_deleting_a_webhook_drops_its_queue(client, world, settings, receiver, register):
    hook = register(world.alpha.admin, events=["visit.late"])
    scan(world.start + timedelta(minutes=35), settings)
    assert client.delete(f"{URL}/{hook['id']}", headers=headers_for(world.alpha.admin)).status_code == 204
    assert deliveries() == [] and db.session.get(Webhook, hook["id"]) is None
    assert send_all(settings)["delivered"] == 0 and receiver.received == []


def test_the_body_sent_is_the_stored_payload(world, settings, receiver, register):
    register(world.alpha.admin, events=["visit.late"])
    scan(world.start + timedelta(minutes=35), settings)
    send_all(settings)
    assert sorted((body_of(r)["data"]["visit"]["id"] for r in receiver.received)) == sorted(
        d.payload["data"]["visit"]["id"] for d in deliveries())
