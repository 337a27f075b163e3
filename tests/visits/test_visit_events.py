"""A worker's visit end to end through the API: arrival, check-in, tasks, outcomes, check-out."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.visits.models import NonContactActivity, OutcomeProgress, VisitEvent
from tests.builders import event, post
from tests.factories import HOME
from tests.sessions import headers_for


def test_full_visit_completes_with_verified_times(client, world):
    a = world.alpha
    visit, worker = a.visits[0], a.worker_users[0]
    t0 = world.start
    assert post(client, worker, visit.id, event("arrival", t0 - timedelta(minutes=2))).status_code == 201
    r = post(client, worker, visit.id, event("check_in", t0 + timedelta(minutes=1)))
    assert r.status_code == 201
    body = r.get_json()
    assert body["event"]["geofence"] == "verified"
    assert body["visit"]["status"] == "in_progress"
    assert body["visit"]["punctuality"] == "on_time"
    assert (
        post(client, worker, visit.id, event("task_done", t0 + timedelta(minutes=5), task="Breakfast")).status_code
        == 201
    )
    r = post(
        client,
        worker,
        visit.id,
        event(
            "outcome_progress",
            t0 + timedelta(minutes=6),
            outcome_id=a.outcomes[0].id,
            score=4,
            comment="Walked to the gate",
        ),
    )
    assert r.status_code == 201
    r = post(client, worker, visit.id, event("check_out", t0 + timedelta(minutes=31)))
    body = r.get_json()["visit"]
    assert body["status"] == "completed"
    assert body["assignments"][0]["checked_in_at"].startswith("2026-11-23T09:01")
    assert body["assignments"][0]["checked_out_at"].startswith("2026-11-23T09:31")
    progress = db.session.scalars(select(OutcomeProgress)).all()
    assert [(p.outcome_id, p.score) for p in progress] == [(a.outcomes[0].id, 4)]

    timeline = client.get(f"/api/v1/visits/{visit.id}", headers=headers_for(a.coordinator)).get_json()
    assert [e["kind"] for e in timeline["events"]] == [
        "arrival",
        "check_in",
        "task_done",
        "outcome_progress",
        "check_out",
    ]
    assert all(e["received_at"] for e in timeline["events"])


def test_same_key_twice_stores_one_event_and_answers_the_same(client, world):
    a = world.alpha
    body = event("check_in", world.start)
    first = post(client, a.worker_users[0], a.visits[0].id, body)
    second = post(client, a.worker_users[0], a.visits[0].id, body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["event"] == second.get_json()["event"]
    assert second.get_json()["duplicate"] is True
    assert db.session.scalar(select(func.count()).select_from(VisitEvent)) == 1


def test_same_key_with_other_content_is_a_conflict(client, world):
    a = world.alpha
    body = event("check_in", world.start)
    post(client, a.worker_users[0], a.visits[0].id, body)
    r = post(client, a.worker_users[0], a.visits[0].id, {**body, "lat": HOME[0] + 0.01})
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "idempotency_conflict"
    assert db.session.scalar(select(func.count()).select_from(VisitEvent)) == 1


def test_a_retry_is_answered_as_stored_though_its_content_would_be_refused_now(client, world):
    """A ticked task since taken off the visit: the first post was stored, so its retry is that event, not a 422."""
    a = world.alpha
    visit = a.visits[0]
    body = event("task_done", world.start, task="Breakfast")
    assert post(client, a.worker_users[0], visit.id, body).status_code == 201
    visit.tasks = ["Medication"]
    db.session.commit()
    retry = post(client, a.worker_users[0], visit.id, body)
    assert retry.status_code == 200 and retry.get_json()["duplicate"] is True
    assert retry.get_json()["event"]["payload"]["task"] == "Breakfast"
    refused = post(client, a.worker_users[0], visit.id, event("task_done", world.start, task="Breakfast"))
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(VisitEvent)) == 1


def test_check_out_before_check_in_is_stored_and_flagged(client, world):
    a = world.alpha
    visit, worker = a.visits[0], a.worker_users[0]
    r = post(client, worker, visit.id, event("check_out", world.start + timedelta(minutes=30)))
    assert r.status_code == 201
    assert "out_of_order" in r.get_json()["event"]["flags"]
    assert r.get_json()["visit"]["open_exceptions"] == ["missing_check_in"]
    r = post(client, worker, visit.id, event("check_in", world.start))
    assert r.get_json()["visit"]["status"] == "completed"
    assert r.get_json()["visit"]["open_exceptions"] == []
    assert db.session.scalar(select(func.count()).select_from(VisitEvent)) == 2


def test_poor_accuracy_is_unverified_and_far_fix_is_outside(client, world):
    a = world.alpha
    r = post(client, a.worker_users[0], a.visits[0].id, event("check_in", world.start, accuracy=250))
    assert r.get_json()["event"]["geofence"] == "unverified"
    # 0.01 degrees of latitude is about 1.1 km.
    r = post(client, a.worker_users[1], a.visits[1].id, event("check_in", world.start, lat=HOME[0] + 0.01))
    assert r.get_json()["event"]["geofence"] == "outside"
    assert round(r.get_json()["event"]["distance_m"]) in range(1100, 1125)
    assert r.get_json()["visit"]["open_exceptions"] == ["outside_geofence"]


def test_event_without_location_is_kept_as_an_exception(client, world):
    a = world.alpha
    r = post(
        client, a.worker_users[0], a.visits[0].id, event("check_in", world.start, lat=None, lon=None, accuracy=None)
    )
    assert r.status_code == 201
    assert r.get_json()["event"]["geofence"] == "none"
    assert r.get_json()["visit"]["open_exceptions"] == ["no_geolocation"]


def activity(**extra):
    return {"idempotency_key": str(uuid.uuid4()), "category": "liaising_health_social", "minutes": 20,
            "note": "Called the GP about a repeat prescription", "occurred_at": "2026-11-23T11:00:00Z", **extra}


def log(client, user, client_id, body):
    return client.post(f"/api/v1/clients/{client_id}/activities", json=body, headers=headers_for(user))


def test_same_activity_key_twice_stores_one_record_and_answers_the_same(client, world):
    a = world.alpha
    body = activity()
    first = log(client, a.worker_users[0], a.clients[0].id, body)
    second = log(client, a.worker_users[0], a.clients[0].id, body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json() == second.get_json()
    assert db.session.scalar(select(func.count()).select_from(NonContactActivity)) == 1


@pytest.mark.parametrize("change", [{"minutes": 25}, {"category": "review"}, {"note": "Called the pharmacy"}])
def test_activity_key_with_other_content_is_a_conflict(client, world, change):
    a = world.alpha
    body = activity()
    log(client, a.worker_users[0], a.clients[0].id, body)
    r = log(client, a.worker_users[0], a.clients[0].id, {**body, **change})
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "idempotency_conflict"
    assert db.session.scalar(select(func.count()).select_from(NonContactActivity)) == 1


def test_activity_key_replayed_by_someone_else_is_a_conflict(client, world):
    a = world.alpha
    body = activity()
    log(client, a.worker_users[0], a.clients[0].id, body)
    r = log(client, a.coordinator, a.clients[0].id, body)
    assert r.status_code == 409
    stored = db.session.scalars(select(NonContactActivity)).all()
    assert [s.recorded_by for s in stored] == [a.worker_users[0].id]
