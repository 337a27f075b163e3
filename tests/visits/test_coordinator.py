"""A coordinator's day: finding visits, settling exceptions without rewriting history, re-planning.

Also the provider admin's set-up work (workers, clients, care records, family logins),
because a coordinator's screens are only as good as what was set up behind them.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.directory.models import Provider
from server.extensions import db
from server.visits.models import Visit, VisitAssignment, VisitCorrection, VisitEvent, VisitException
from tests.dbstate import count, snapshot
from tests.factories import HOME, visit_for
from tests.sessions import headers_for

UTC = timezone.utc


def event(kind, at, located=True, **extra):
    fix = {"lat": HOME[0], "lon": HOME[1], "accuracy_m": 10.0} if located else {}
    return {"idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at.isoformat(), **fix, **extra}


def post_event(client, who, visit, body):
    r = client.post(f"/api/v1/visits/{visit.id}/events", json=body, headers=headers_for(who))
    assert r.status_code in (200, 201), r.get_json()
    return r.get_json()


def visits(client, who, **query):
    r = client.get("/api/v1/visits", query_string={"limit": 500, **query}, headers=headers_for(who))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def event_rows() -> list[tuple]:
    return snapshot()["visit_events"]


def audit(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


@pytest.fixture
def unlocated_visit(client, world):
    """Alpha's first visit, checked in and out by a phone that gave no location: two open exceptions' worth."""
    a = world.alpha
    visit, who = a.visits[0], a.worker_users[0]
    post_event(client, who, visit, event("check_in", world.start + timedelta(minutes=3), located=False))
    post_event(client, who, visit, event("check_out", world.start + timedelta(minutes=33), located=False))
    return visit


# Finding visits.

def test_list_by_local_date(client, world):
    a = world.alpha
    late_evening = visit_for(a.clients[0], datetime(2026, 11, 22, 23, 30, tzinfo=UTC), workers=[a.workers[0]])
    next_day = visit_for(a.clients[0], datetime(2026, 11, 24, 0, 10, tzinfo=UTC), workers=[a.workers[0]])
    db.session.commit()
    on_23rd = {v["id"] for v in visits(client, a.coordinator, date_from="2026-11-23")["items"]}
    assert on_23rd == {a.visits[0].id, a.visits[1].id}
    span = {v["id"] for v in visits(client, a.coordinator, date_from="2026-11-22", date_to="2026-11-24")["items"]}
    assert span == {late_evening.id, a.visits[0].id, a.visits[1].id, next_day.id}
    assert [v["id"] for v in visits(client, a.coordinator, date_to="2026-11-22")["items"]] == [late_evening.id]


def test_list_by_status_and_open_exception(client, world, unlocated_visit):
    a = world.alpha
    post_event(client, a.worker_users[1], a.visits[1], event("check_in", world.start))
    by_status = lambda s: [v["id"] for v in visits(client, a.coordinator, status=s)["items"]]  # noqa: E731
    assert by_status("completed") == [unlocated_visit.id]
    assert by_status("in_progress") == [a.visits[1].id]
    assert by_status("scheduled") == []
    exceptions = visits(client, a.coordinator, status="exception")["items"]
    assert [(v["id"], v["open_exceptions"]) for v in exceptions] == [(unlocated_visit.id, ["no_geolocation"])]


def test_list_by_client_and_worker(client, world):
    a = world.alpha
    assert [v["id"] for v in visits(client, a.coordinator, client_id=a.clients[1].id)["items"]] == [a.visits[1].id]
    assert [v["id"] for v in visits(client, a.coordinator, worker_id=a.workers[0].id)["items"]] == [a.visits[0].id]


def test_cursor_pages_return_every_visit_exactly_once(client, world):
    a = world.alpha
    # Several visits share a start time, so the page boundary falls inside a tie.
    starts = [world.start + timedelta(hours=h) for h in (1, 1, 1, 2, 3, 3, 3, 3, 5, 8, 8, 13)]
    made = [visit_for(a.clients[i % 2], start, workers=[a.workers[i % 2]]) for i, start in enumerate(starts)]
    db.session.commit()
    expected = sorted(made + a.visits, key=lambda v: (v.planned_start, v.id))

    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        page = visits(client, a.coordinator, **query)
        seen += [v["id"] for v in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [v.id for v in expected]
    assert len(seen) == len(set(seen))
    assert pages == -(-len(expected) // 4)


def test_timeline_shows_events_corrections_and_exceptions_in_order(client, world, unlocated_visit):
    a = world.alpha
    body = client.get(f"/api/v1/visits/{unlocated_visit.id}", headers=headers_for(a.coordinator)).get_json()
    assert [e["kind"] for e in body["events"]] == ["check_in", "check_out"]
    assert [e["geofence"] for e in body["events"]] == ["none", "none"]
    assert [x["kind"] for x in body["exceptions"]] == ["no_geolocation"]
    assert body["corrections"] == []
    assert body["visit"]["open_exceptions"] == ["no_geolocation"]
    assert body["visit"]["planned_start_local"] == "2026-11-23T09:00:00+00:00"


# Settling exceptions.

def test_entering_times_resolves_without_touching_the_phones_record(client, world, unlocated_visit):
    a = world.alpha
    events_before = event_rows()
    check_in, check_out = world.start + timedelta(minutes=1), world.start + timedelta(minutes=32)
    r = client.post(f"/api/v1/visits/{unlocated_visit.id}/corrections", headers=headers_for(a.coordinator), json={
        "worker_id": a.workers[0].id, "check_in_at": check_in.isoformat(), "check_out_at": check_out.isoformat(),
        "reason_code": "phone_lost_or_broken", "note": "Confirmed by phone with the client",
    })
    assert r.status_code == 201, r.get_json()
    assert event_rows() == events_before

    correction = db.session.scalars(select(VisitCorrection)).one()
    assert (correction.worker_id, correction.check_in_at, correction.check_out_at, correction.reason_code,
            correction.created_by) == (a.workers[0].id, check_in, check_out, "phone_lost_or_broken", a.coordinator.id)
    entry = audit("visit.correct_times")
    assert len(entry) == 1
    assert (entry[0].user_id, entry[0].object_id) == (a.coordinator.id, str(unlocated_visit.id))
    assert entry[0].details["reason_code"] == "phone_lost_or_broken"
    assignment = db.session.scalars(select(VisitAssignment).where(VisitAssignment.visit_id == unlocated_visit.id)).one()
    assert (assignment.manual, assignment.checked_in_at, assignment.checked_out_at) == (True, check_in, check_out)
    exception = db.session.scalars(select(VisitException)).one()
    assert exception.resolved_at is not None
    assert (exception.resolved_by, exception.correction_id) == (a.coordinator.id, correction.id)

    timeline = client.get(f"/api/v1/visits/{unlocated_visit.id}", headers=headers_for(a.coordinator)).get_json()
    assert timeline["visit"]["started_at"].startswith("2026-11-23T09:01")
    assert timeline["visit"]["ended_at"].startswith("2026-11-23T09:32")
    assert timeline["visit"]["open_exceptions"] == []
    assert [c["id"] for c in timeline["corrections"]] == [correction.id]
    assert [e["device_time"][:16] for e in timeline["events"]] == ["2026-11-23T09:03", "2026-11-23T09:33"]
    assert visits(client, a.coordinator, status="exception")["items"] == []


def test_resolving_as_recorded_keeps_times_and_records_why(client, world, unlocated_visit):
    a = world.alpha
    before = snapshot()
    exception = db.session.scalars(select(VisitException)).one()
    url = f"/api/v1/visits/{unlocated_visit.id}/exceptions/{exception.id}/resolve"
    r = client.post(url, json={"reason_code": "no_signal", "note": "Known black spot"},
                    headers=headers_for(a.coordinator))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["resolution"] == "no_signal: Known black spot"
    assert r.get_json()["resolved_by"] == a.coordinator.id
    after = snapshot()
    for table in ("visit_events", "visit_assignments", "visits", "visit_corrections"):
        assert after[table] == before[table], table
    assert [e.details["exception_id"] for e in audit("visit.resolve_exception")] == [exception.id]
    again = client.post(url, json={"reason_code": "no_signal"}, headers=headers_for(a.coordinator))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_resolved"
    assert len(audit("visit.resolve_exception")) == 1


def test_offline_check_in_after_a_correction_does_not_move_the_corrected_times(client, world, unlocated_visit):
    a = world.alpha
    check_in, check_out = world.start + timedelta(minutes=5), world.start + timedelta(minutes=35)
    client.post(f"/api/v1/visits/{unlocated_visit.id}/corrections", headers=headers_for(a.coordinator), json={
        "worker_id": a.workers[0].id, "check_in_at": check_in.isoformat(), "check_out_at": check_out.isoformat(),
        "reason_code": "forgot_to_log"})
    late = post_event(client, a.worker_users[0], unlocated_visit,
                      event("check_in", world.start - timedelta(minutes=20), located=False))
    assert "after_correction" in late["event"]["flags"]
    assert late["visit"]["assignments"][0]["checked_in_at"].startswith("2026-11-23T09:05")
    assert late["visit"]["started_at"].startswith("2026-11-23T09:05")
    assert late["visit"]["open_exceptions"] == []
    assert count(VisitEvent) == 3


# Re-planning.

def test_reassigning_moves_the_visit_between_runs_and_is_audited(client, world):
    a = world.alpha
    visit = a.visits[0]
    r = client.patch(f"/api/v1/visits/{visit.id}", json={"worker_ids": [a.workers[1].id]},
                     headers=headers_for(a.coordinator))
    assert r.status_code == 200
    assert [x["worker_id"] for x in r.get_json()["assignments"]] == [a.workers[1].id]
    rows = db.session.scalars(select(VisitAssignment).where(VisitAssignment.visit_id == visit.id)
                              .order_by(VisitAssignment.id)).all()
    assert [(x.worker_id, x.removed_at is not None) for x in rows] == [(a.workers[0].id, True),
                                                                      (a.workers[1].id, False)]
    run = lambda who: [v["id"] for v in client.get("/api/v1/run?date=2026-11-23",  # noqa: E731
                                                   headers=headers_for(who)).get_json()["visits"]]
    assert run(a.worker_users[0]) == []
    assert run(a.worker_users[1]) == [a.visits[0].id, a.visits[1].id]
    assert audit("visit.update")[0].details["worker_ids"] == [a.workers[1].id]


def test_rescheduling_a_started_visit_judges_punctuality_against_the_new_time(client, world):
    a = world.alpha
    visit = a.visits[0]
    started = post_event(client, a.worker_users[0], visit, event("check_in", world.start + timedelta(minutes=40)))
    assert started["visit"]["punctuality"] == "late"
    r = client.patch(f"/api/v1/visits/{visit.id}", json={"planned_start": "2026-11-23T09:30:00+00:00"},
                     headers=headers_for(a.coordinator))
    assert r.status_code == 200
    assert (r.get_json()["punctuality"], r.get_json()["status"]) == ("on_time", "in_progress")


def test_cancelled_visit_is_settled(client, world):
    a = world.alpha
    url = f"/api/v1/visits/{a.visits[0].id}"
    r = client.patch(url, json={"cancel_reason": "Client in hospital"}, headers=headers_for(a.coordinator))
    assert r.status_code == 200
    assert (r.get_json()["status"], r.get_json()["cancel_reason"]) == ("cancelled", "Client in hospital")
    before = snapshot()
    r = client.patch(url, json={"planned_minutes": 45}, headers=headers_for(a.coordinator))
    assert r.status_code == 422 and "status" in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_event_from_a_removed_worker_is_stored_and_flagged(client, world):
    a = world.alpha
    visit = a.visits[0]
    client.patch(f"/api/v1/visits/{visit.id}", json={"worker_ids": [a.workers[1].id]},
                 headers=headers_for(a.coordinator))
    body = post_event(client, a.worker_users[0], visit, event("check_in", world.start))
    assert "reassigned" in body["event"]["flags"]
    assert body["visit"]["open_exceptions"] == ["not_assigned"]
    # The visit's own state follows the carer who is on it now.
    assert (body["visit"]["status"], body["visit"]["started_at"]) == ("scheduled", None)
    exception = db.session.scalars(select(VisitException)).one()
    assert (exception.kind, exception.worker_id) == ("not_assigned", a.workers[0].id)


def test_event_after_cancellation_is_stored_and_flagged(client, world):
    a = world.alpha
    visit = a.visits[0]
    client.patch(f"/api/v1/visits/{visit.id}", json={"cancel_reason": "Family visiting"},
                 headers=headers_for(a.coordinator))
    body = post_event(client, a.worker_users[0], visit, event("check_in", world.start))
    assert "after_cancel" in body["event"]["flags"]
    assert body["visit"]["status"] == "cancelled"
    assert "event_after_cancel" in body["visit"]["open_exceptions"]
    assert count(VisitEvent) == 1


def test_coordinator_plans_a_double_up_visit(client, world):
    a = world.alpha
    r = client.post("/api/v1/visits", headers=headers_for(a.coordinator), json={
        "client_id": a.clients[0].id, "planned_start": "2026-11-24T08:00:00+00:00", "planned_minutes": 45,
        "carers_required": 2, "tasks": ["Hoist transfer"], "worker_ids": [a.workers[0].id, a.workers[1].id]})
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert [x["worker_id"] for x in created["assignments"]] == [a.workers[0].id, a.workers[1].id]
    for who in a.worker_users:
        run = client.get("/api/v1/run?date=2026-11-24", headers=headers_for(who)).get_json()
        assert [v["id"] for v in run["visits"]] == [created["id"]]
    assert db.session.get(Visit, created["id"]).provider_id == a.provider.id
    assert audit("visit.create")[0].object_id == str(created["id"])


# Set-up by the provider admin.

def test_admin_creates_a_worker_who_can_log_in(client, world):
    a = world.alpha
    r = client.post("/api/v1/workers", headers=headers_for(a.admin), json={
        "name": "Priya Carer", "email": "Priya@Alpha.example", "password": "a long enough password",
        "staff_ref": "A-107"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["provider_id"] == a.provider.id and "password" not in r.get_json()
    listed = client.get("/api/v1/workers", headers=headers_for(a.coordinator)).get_json()
    assert r.get_json()["id"] in {w["id"] for w in listed}
    login = client.post("/api/v1/auth/login",
                        json={"email": "priya@alpha.example", "password": "a long enough password"})
    assert login.status_code == 200
    assert login.get_json()["user"]["worker_id"] == r.get_json()["id"]
    assert client.post("/api/v1/workers", headers=headers_for(a.coordinator), json={
        "name": "X", "email": "x@alpha.example", "password": "a long enough password"}).status_code == 403


def test_admin_sets_up_a_client_with_care_records(client, world):
    a = world.alpha
    hdr = headers_for(a.admin)
    r = client.post("/api/v1/clients", headers=hdr, json={
        "contract_id": a.contract.id, "name": "Edith", "address": "4 Castle Street, Kendal", "postcode": "LA9 7AD",
        "lat": 54.3301, "lon": -2.7433, "access_notes": "Key safe by the back door"})
    assert r.status_code == 201, r.get_json()
    client_id = r.get_json()["id"]
    base = f"/api/v1/clients/{client_id}"
    outcome = client.post(f"{base}/outcomes", headers=hdr, json={"title": "I can wash and dress"})
    package = client.post(f"{base}/care-packages", headers=hdr,
                          json={"weekly_minutes": 420, "flex_weeks": 4, "starts_on": "2026-12-01"})
    pattern = client.post(f"{base}/visit-patterns", headers=hdr, json={
        "weekdays": [1, 2, 3, 4, 5, 6, 7], "start_time": "08:00", "duration_minutes": 30, "carers_required": 2,
        "tasks": ["Breakfast"], "worker_ids": [a.workers[0].id, a.workers[1].id], "starts_on": "2026-12-01"})
    assert (outcome.status_code, package.status_code, pattern.status_code) == (201, 201, 201)
    coord = headers_for(a.coordinator)
    assert [o["title"] for o in client.get(f"{base}/outcomes", headers=coord).get_json()] == ["I can wash and dress"]
    assert client.get(f"{base}/care-packages", headers=coord).get_json()[0]["flex_weeks"] == 4
    assert client.get(f"{base}/visit-patterns", headers=coord).get_json()[0]["carers_required"] == 2
    r = client.patch(f"/api/v1/outcomes/{outcome.get_json()['id']}", headers=hdr, json={"active": False})
    assert r.status_code == 200 and r.get_json()["active"] is False
    assert client_id in {c["id"] for c in client.get("/api/v1/clients", headers=headers_for(world.officer)).get_json()}
    assert {e.action for e in db.session.scalars(select(AuditEntry))} >= {
        "client.create", "outcomes.create", "care_packages.create", "visit_patterns.create", "outcomes.update"}


def test_admin_gives_a_relative_a_login_that_sees_only_that_client(client, world):
    a = world.alpha
    r = client.post(f"/api/v1/clients/{a.clients[1].id}/family", headers=headers_for(a.admin), json={
        "email": "son@relative.example", "name": "Tom", "password": "a long enough password",
        "relationship_label": "son", "phone": "07700 900456"})
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["client_id"], r.get_json()["relationship_label"]) == (a.clients[1].id, "son")
    listed = client.get(f"/api/v1/clients/{a.clients[1].id}/family", headers=headers_for(a.coordinator)).get_json()
    assert [f["email"] for f in listed] == ["son@relative.example"]
    token = client.post("/api/v1/auth/login", json={"email": "son@relative.example",
                                                    "password": "a long enough password"}).get_json()["access_token"]
    seen = client.get("/api/v1/visits", headers={"Authorization": f"Bearer {token}"}).get_json()["items"]
    assert [v["id"] for v in seen] == [a.visits[1].id]


def test_provider_admin_sets_the_on_call_contact_that_escalations_go_to(client, world):
    a = world.alpha
    url = f"/api/v1/providers/{a.provider.id}"
    r = client.patch(url, json={"on_call_contact": "duty.manager@alpha.example"}, headers=headers_for(a.admin))
    assert r.status_code == 200 and r.get_json()["on_call_contact"] == "duty.manager@alpha.example"
    seen = client.get(url, headers=headers_for(a.coordinator)).get_json()
    assert (seen["name"], seen["on_call_contact"]) == ("Alpha", "duty.manager@alpha.example")
    db.session.expire_all()
    assert db.session.get(Provider, a.provider.id).on_call_contact == "duty.manager@alpha.example"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "providers.update")).one()
    assert entry.user_id == a.admin.id and entry.details["fields"] == ["on_call_contact"]
