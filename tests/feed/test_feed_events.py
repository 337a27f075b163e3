"""Events from a provider's own carer app: the semantics and answers of the phones' sync, idempotent by key,
each event recording the system that sent it."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from server.extensions import db
from server.feed.models import FeedRejection
from server.visits.models import Visit, VisitEvent
from tests.dbstate import count, snapshot
from tests.factories import HOME, api_client_for
from tests.sessions import headers_for


@pytest.fixture
def setup(client, world):
    made, _ = api_client_for(world.alpha, name="CarerApp")
    headers = headers_for(made)
    start = world.start + timedelta(days=1)
    client.put("/api/v1/feed/clients", headers=headers, json={"items": [
        {"ref": "C-1", "contract_reference": "N-A", "name": "Mary", "address": "3 Fell Road", "lat": HOME[0],
         "lon": HOME[1]}]})
    client.put("/api/v1/feed/workers", headers=headers, json={"items": [{"ref": "W-1", "name": "Ann"}]})
    r = client.put("/api/v1/feed/visits", headers=headers, json={"items": [
        {"ref": "V-1", "client_ref": "C-1", "worker_refs": ["W-1"], "planned_start": start.isoformat(),
         "planned_minutes": 30}]})
    visit_id = r.get_json()["results"][0]["id"]

    def post(*items, who=made):
        r = client.post("/api/v1/feed/events", json={"items": list(items)}, headers=headers_for(who))
        assert r.status_code == 200, r.get_json()
        return r.get_json()["results"]

    return post, visit_id, start


def event(kind, at, **extra):
    return {"idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at.isoformat(), "worker_ref": "W-1",
            "lat": HOME[0], "lon": HOME[1], "accuracy_m": 8.0, "visit_ref": "V-1", **extra}


def test_events_are_stored_once_with_their_source_and_move_the_visit(setup):
    post, visit_id, start = setup
    check_in, check_out = event("check_in", start), event("check_out", start + timedelta(minutes=31))
    results = post(check_in, check_out)
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    stored = db.session.get(VisitEvent, results[0]["id"])
    assert stored.source_system == "CarerApp" and stored.visit_id == visit_id and stored.geofence == "verified"
    assert db.session.get(Visit, visit_id).status == "completed"

    before = snapshot()
    again = post(check_in, check_out)
    assert [(r["status"], r["id"]) for r in again] == [("duplicate", results[0]["id"]), ("duplicate", results[1]["id"])]
    assert snapshot() == before


def test_same_key_other_content_is_rejected_as_a_conflict(setup):
    post, _, start = setup
    first = event("check_in", start)
    post(first)
    result = post({**first, "device_time": (start + timedelta(minutes=5)).isoformat()})[0]
    assert result["status"] == "rejected" and result["error"]["code"] == "idempotency_conflict"


def test_visit_by_caremon_id_and_bad_items_answered_alone(setup):
    post, visit_id, start = setup
    by_id = event("arrival", start)
    del by_id["visit_ref"]
    results = post({**by_id, "visit_id": visit_id},
                   event("check_in", start, worker_ref="W-404"),
                   event("check_in", start, visit_ref="V-404"),
                   event("teleport", start),
                   {**event("note", start), "text": ""})
    assert [r["status"] for r in results] == ["accepted", "rejected", "rejected", "rejected", "rejected"]
    assert [r["error"]["code"] for r in results[1:]] == ["not_found", "not_found", "validation_error",
                                                          "validation_error"]
    assert count(VisitEvent) == 1


def test_another_providers_client_cannot_reach_the_visit(client, setup, world):
    """Beta's system names its own carer W-1, and Alpha's visit by id or by Alpha's reference: not found."""
    post, visit_id, start = setup
    beta, _ = api_client_for(world.beta)
    client.put("/api/v1/feed/workers", json={"items": [{"ref": "W-1", "name": "Beta Ann"}]}, headers=headers_for(beta))
    by_id = event("check_in", start)
    del by_id["visit_ref"]
    before = snapshot("feed_rejections")
    results = post({**by_id, "visit_id": visit_id}, event("check_in", start), who=beta)
    assert [r["error"]["message"] for r in results] == ["Visit not found", "Visit not found"]
    assert snapshot("feed_rejections") == before  # only the refusals are counted, for the feed quality report
    assert db.session.execute(db.select(FeedRejection.kind, FeedRejection.reason, FeedRejection.items)).all() == [
        ("events", "not_found", 2)]
