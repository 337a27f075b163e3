"""The sync endpoint answers per item, stores each once, and flags what a coordinator must see."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from server.directory.models import Worker
from server.extensions import db
from server.visits.models import NonContactActivity, Visit, VisitEvent, VisitException
from tests.builders import item, upload
from tests.dbstate import count, statements_sent
from tests.sessions import headers_for


def test_one_bad_item_is_rejected_while_the_rest_are_stored(client, world):
    a = world.alpha
    visit, t = a.visits[0], world.start
    items = [item(visit, "check_in", t), item(visit, "task_done", t + timedelta(minutes=3), task="Hoovering"),
             item(visit, "check_out", t + timedelta(minutes=30)),
             {"type": "activity", "client_id": a.clients[0].id, "idempotency_key": str(uuid.uuid4()),
              "category": "liaising_family", "minutes": 15, "occurred_at": t.isoformat()}]
    r = upload(client, a.worker_users[0], items)
    assert r.status_code == 200
    statuses = [x["status"] for x in r.get_json()["results"]]
    assert statuses == ["accepted", "rejected", "accepted", "accepted"]
    assert r.get_json()["results"][1]["error"]["details"]["fields"] == {"task": ["Not one of this visit's tasks"]}
    assert (count(VisitEvent), count(NonContactActivity)) == (2, 1)
    assert db.session.get(Visit, visit.id).status == "completed"


def test_duplicated_and_reordered_batches_store_each_event_once(client, world):
    a = world.alpha
    visit, t = a.visits[0], world.start
    check_in, check_out = item(visit, "check_in", t), item(visit, "check_out", t + timedelta(minutes=32))
    first = upload(client, a.worker_users[0], [check_out])  # the later event arrives first
    assert first.get_json()["results"][0]["flags"] == ["out_of_order"]
    again = upload(client, a.worker_users[0], [check_in, check_out, check_in])
    assert [x["status"] for x in again.get_json()["results"]] == ["accepted", "duplicate", "duplicate"]
    assert count(VisitEvent) == 2
    visit = db.session.get(Visit, visit.id)
    assert visit.status == "completed"
    assert (visit.ended_at - visit.started_at) == timedelta(minutes=32)


def test_wrong_phone_clock_is_measured_flagged_and_corrected(client, world):
    a = world.alpha
    visit = a.visits[0]
    true_now = datetime.now(timezone.utc)
    skew = timedelta(hours=2)  # the phone runs two hours fast
    r = upload(client, a.worker_users[0], [item(visit, "check_in", world.start + skew)], sent_at=true_now + skew)
    body = r.get_json()
    assert abs(body["clock_offset_s"] - 7200) < 5
    assert body["results"][0]["flags"] == ["clock_skew"]
    event = db.session.scalar(select(VisitEvent))
    assert event.device_time == world.start + skew  # kept as sent
    assert abs((db.session.get(Visit, visit.id).started_at - world.start).total_seconds()) < 5
    kinds = db.session.scalars(select(VisitException.kind).where(VisitException.visit_id == visit.id)).all()
    assert kinds == ["clock_skew"]


def test_an_event_timed_after_its_batch_was_sent_is_flagged_though_the_clock_now_agrees(client, world, app):
    """The phone ran fast while offline and was put right before it synced: the offset looks fine."""
    a = world.alpha
    visit = a.visits[0]
    threshold = timedelta(seconds=app.config["CAREMON"]["clock_skew_threshold_s"])
    sent_at = datetime.now(timezone.utc)
    items = [item(visit, "check_in", sent_at - timedelta(hours=1)),
             item(visit, "note", sent_at + threshold - timedelta(seconds=5), text="just inside the threshold"),
             item(visit, "check_out", sent_at + timedelta(hours=3))]
    body = upload(client, a.worker_users[0], items, sent_at=sent_at).get_json()
    assert abs(body["clock_offset_s"]) < 5
    # Three hours after sending is three hours ahead of the server too.
    assert [r["flags"] for r in body["results"]] == [[], [], ["clock_skew", "device_time_after_sent"]]
    flags = dict(db.session.execute(select(VisitEvent.kind, VisitEvent.flags)).all())
    assert flags == {"check_in": [], "note": [], "check_out": ["clock_skew", "device_time_after_sent"]}
    open_kinds = db.session.scalars(select(VisitException.kind).where(
        VisitException.visit_id == visit.id, VisitException.resolved_at.is_(None))).all()
    assert open_kinds == ["clock_skew"]  # holds the visit's pay for a coordinator


def test_a_fast_clock_alone_is_a_batch_skew_not_an_impossible_time(client, world):
    a = world.alpha
    skew = timedelta(hours=2)
    sent_at = datetime.now(timezone.utc) + skew
    body = upload(client, a.worker_users[0], [item(a.visits[0], "check_in", sent_at - timedelta(minutes=10))],
                  sent_at=sent_at).get_json()
    assert body["results"][0]["flags"] == ["clock_skew"]


def test_an_event_ahead_of_server_time_is_flagged_though_clock_and_batch_are_each_within_the_threshold(
        client, world, app):
    """A clock just under the threshold fast, and an event just under it after sending: together past it."""
    a = world.alpha
    visit = a.visits[0]
    threshold = timedelta(seconds=app.config["CAREMON"]["clock_skew_threshold_s"])
    true_now = datetime.now(timezone.utc)
    sent_at = true_now + threshold * 0.9
    check_out = item(visit, "check_out", sent_at + threshold * 0.9, lat=54.36, lon=-2.70)
    before = datetime.now(timezone.utc)
    body = upload(client, a.worker_users[0], [item(visit, "check_in", world.start), check_out],
                  sent_at=sent_at).get_json()
    after = datetime.now(timezone.utc)
    assert [r["flags"] for r in body["results"]] == [[], ["clock_skew"]]
    kinds = db.session.scalars(select(VisitException.kind).where(VisitException.visit_id == visit.id)).all()
    assert sorted(kinds) == ["clock_skew", "outside_geofence"]  # checked out on the way to the next client
    assert db.session.get(Visit, visit.id).ended_at <= after
    worker = db.session.get(Worker, a.workers[0].id)
    assert (worker.last_lat, worker.last_lon) == (54.36, -2.70)
    assert before <= worker.last_seen_at <= after  # the map shows it as seen on receipt, not in the future


def test_events_for_a_visit_reassigned_or_cancelled_offline_are_kept_and_flagged(client, world):
    a = world.alpha
    coord = headers_for(a.coordinator)
    v0, v1 = a.visits
    assert (
        client.patch(f"/api/v1/visits/{v0.id}", json={"worker_ids": [a.workers[1].id]}, headers=coord).status_code
        == 200
    )
    assert (
        client.patch(f"/api/v1/visits/{v1.id}", json={"cancel_reason": "In hospital"}, headers=coord).status_code == 200
    )
    r = upload(client, a.worker_users[0], [item(v0, "check_in", world.start)])
    assert r.get_json()["results"][0]["status"] == "accepted"
    assert "reassigned" in r.get_json()["results"][0]["flags"]
    r = upload(client, a.worker_users[1], [item(v1, "check_in", world.start)])
    assert "after_cancel" in r.get_json()["results"][0]["flags"]
    assert count(VisitEvent) == 2


def test_another_providers_visit_is_rejected_as_not_found_and_nothing_written(client, world):
    r = upload(client, world.beta.worker_users[0], [item(world.alpha.visits[0], "check_in", world.start)])
    result = r.get_json()["results"][0]
    assert (result["status"], result["error"]["code"]) == ("rejected", "not_found")
    assert count(VisitEvent) == 0


def test_malformed_envelope_is_422_and_writes_nothing(client, world):
    user = world.alpha.worker_users[0]
    for body in ({"device_id": "p", "items": []}, {"device_id": "p", "sent_at": "yesterday", "items": []},
                 {"device_id": "p", "sent_at": "2026-11-23T09:00:00Z", "items": "all of them"}):
        r = client.post("/api/v1/sync/batches", json=body, headers=headers_for(user))
        assert r.status_code == 422, body
    assert count(VisitEvent) == 0


def test_oversized_batches_are_refused_with_the_limits(client, world, app):
    user, visit = world.alpha.worker_users[0], world.alpha.visits[0]
    limit = app.config["CAREMON"]["sync_max_items"]
    r = upload(client, user, [item(visit, "note", world.start, text="x")] * (limit + 1))
    assert r.status_code == 413
    assert r.get_json()["error"]["details"] == {
        "max_items": limit,
        "max_bytes": app.config["CAREMON"]["sync_max_bytes"],
    }
    huge = "x" * (app.config["CAREMON"]["sync_max_bytes"] + 1)
    r = upload(client, user, [item(visit, "note", world.start, text=huge)])
    assert r.status_code == 413
    assert count(VisitEvent) == 0


def test_only_workers_sync(client, world):
    r = upload(client, world.alpha.coordinator, [])
    assert r.status_code == 403


def test_check_out_reasons_travel_in_an_offline_batch(client, world):
    a = world.alpha
    visit, t = a.visits[0], world.start
    reasons = [{"task": "Medication", "reason": "not_needed", "note": None}]
    r = upload(client, a.worker_users[0], [
        item(visit, "check_in", t), item(visit, "task_done", t + timedelta(minutes=2), task="Breakfast"),
        item(visit, "check_out", t + timedelta(minutes=10), task_reasons=reasons, short_reason="Client unwell")])
    assert [x["status"] for x in r.get_json()["results"]] == ["accepted"] * 3
    visit = db.session.get(Visit, visit.id)
    assert visit.flags == ["short", "tasks_not_done"]
    assert [(x["about"], x.get("task"), x["code"], x["note"]) for x in visit.reasons] == [
        ("task", "Medication", "not_needed", None), ("short", None, None, "Client unwell")]
    bad = upload(client, a.worker_users[0], [item(visit, "check_out", t + timedelta(minutes=11),
                                                  task_reasons=[{"task": "Medication", "reason": "other"}])])
    assert bad.get_json()["results"][0]["status"] == "rejected"


def test_an_event_timed_after_its_batch_flags_the_visit_clock_skew(client, world):
    a = world.alpha
    visit = a.visits[0]
    sent_at = datetime.now(timezone.utc)
    upload(client, a.worker_users[0], [item(visit, "check_in", sent_at + timedelta(hours=3))], sent_at=sent_at)
    assert "clock_skew" in db.session.get(Visit, visit.id).flags


def test_a_key_refused_in_a_batch_may_come_again_in_it_and_a_reused_key_is_a_conflict(client, world):
    """Keys are looked up for the whole batch at once; what an item stores or refuses is still seen by the next."""
    a = world.alpha
    visit, t = a.visits[0], world.start
    bad = item(visit, "task_done", t, task="Hoovering")
    good = {**bad, "task": visit.tasks[0]}
    reused = {**item(visit, "note", t, text="Kettle on"), "idempotency_key": good["idempotency_key"]}
    r = upload(client, a.worker_users[0], [bad, good, good, reused])
    assert [x["status"] for x in r.get_json()["results"]] == ["rejected", "accepted", "duplicate", "rejected"]
    assert r.get_json()["results"][3]["error"]["code"] == "idempotency_conflict"
    assert count(VisitEvent) == 1


def test_a_batch_looks_its_keys_up_in_one_query(client, world, app):
    a = world.alpha
    visit, t = a.visits[0], world.start
    items = [item(visit, "note", t + timedelta(minutes=m), text="Well") for m in range(6)]
    upload(client, a.worker_users[0], items[:2])
    with statements_sent() as sent:
        r = upload(client, a.worker_users[0], items)
    seen = [s for s in sent if "FROM visit_events" in s and "idempotency_key" in s.split("WHERE")[-1]]
    assert [x["status"] for x in r.get_json()["results"]] == ["duplicate"] * 2 + ["accepted"] * 4
    assert len(seen) == 1
