"""Bad input is a 422 naming the offending fields, in the one error shape, and writes nothing.

Phones send what they send: out-of-range or half-missing fixes, NaN from a broken
GPS stack, local times without an offset. None of it may reach the database.
"""
from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest

from server.directory.models import Worker
from server.extensions import db
from server.visits.models import NonContactActivity, VisitEvent, VisitException
from tests.builders import MISSING, activity_body, client_body, correction, ev, new_visit, pattern
from tests.dbstate import count, snapshot
from tests.error_shape import assert_validation_error
from tests.factories import HOME, add
from tests.sessions import headers_for


@pytest.fixture
def vw(world):
    """The factory world with an open exception on Alpha's first visit, to resolve."""
    world.exception = add(VisitException(visit_id=world.alpha.visits[0].id, worker_id=world.alpha.workers[0].id,
                                         kind="no_geolocation", raised_at=world.start))
    db.session.commit()
    return world


def cursor_of(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


RAW_EVENT = ('{{"idempotency_key": "{key}", "kind": "check_in", "device_time": "2026-11-23T09:00:00+00:00", '
             '"lat": {lat}, "lon": {lon}, "accuracy_m": 10}}')


@dataclass(frozen=True)
class Case:
    name: str
    who: Callable
    method: str
    url: Callable
    body: Callable | None
    field: str

    def __str__(self):
        return self.name


def worker(w):
    return w.alpha.worker_users[0]


def coordinator(w):
    return w.alpha.coordinator


def admin(w):
    return w.alpha.admin


def events(w):
    return f"/api/v1/visits/{w.alpha.visits[0].id}/events"


def activities(w):
    return f"/api/v1/clients/{w.alpha.clients[0].id}/activities"


def corrections(w):
    return f"/api/v1/visits/{w.alpha.visits[0].id}/corrections"


def visit_url(w):
    return f"/api/v1/visits/{w.alpha.visits[0].id}"


def client_url(w, tail=""):
    return f"/api/v1/clients/{w.alpha.clients[0].id}{tail}"


CASES = [
    # Geolocation.
    Case("lat_91", worker, "POST", events, lambda w: ev(w, lat=91), "lat"),
    Case("lat_minus_91", worker, "POST", events, lambda w: ev(w, lat=-90.0001), "lat"),
    Case("lon_minus_181", worker, "POST", events, lambda w: ev(w, lon=-181), "lon"),
    Case("lat_without_lon", worker, "POST", events, lambda w: ev(w, lon=None), "lat"),
    Case("lon_without_lat", worker, "POST", events, lambda w: ev(w, lat=MISSING), "lat"),
    Case("lat_nan_string", worker, "POST", events, lambda w: ev(w, lat="NaN"), "lat"),
    Case("lat_nan_json_literal", worker, "POST", events,
         lambda w: RAW_EVENT.format(key=uuid.uuid4(), lat="NaN", lon=HOME[1]), "lat"),
    Case("lon_infinity_json_literal", worker, "POST", events,
         lambda w: RAW_EVENT.format(key=uuid.uuid4(), lat=HOME[0], lon="Infinity"), "lon"),
    Case("lat_not_a_number", worker, "POST", events, lambda w: ev(w, lat="north"), "lat"),
    Case("negative_accuracy", worker, "POST", events, lambda w: ev(w, accuracy_m=-1), "accuracy_m"),
    # Event content.
    Case("unknown_event_kind", worker, "POST", events, lambda w: ev(w, kind="teleport"), "kind"),
    Case("missing_kind", worker, "POST", events, lambda w: ev(w, kind=MISSING), "kind"),
    Case("missing_device_time", worker, "POST", events, lambda w: ev(w, device_time=MISSING), "device_time"),
    Case("missing_idempotency_key", worker, "POST", events, lambda w: ev(w, idempotency_key=MISSING),
         "idempotency_key"),
    Case("idempotency_key_not_uuid", worker, "POST", events, lambda w: ev(w, idempotency_key="abc"),
         "idempotency_key"),
    Case("malformed_time", worker, "POST", events, lambda w: ev(w, device_time="yesterday at nine"), "device_time"),
    Case("time_without_utc_offset", worker, "POST", events, lambda w: ev(w, device_time="2026-11-23T09:00:00"),
         "device_time"),
    Case("time_as_epoch_number", worker, "POST", events, lambda w: ev(w, device_time=1795424400), "device_time"),
    Case("time_in_year_1_past_what_utc_holds", worker, "POST", events,
         lambda w: ev(w, device_time="0001-01-01T00:00:00+01:00"), "device_time"),
    Case("time_in_year_9999_past_what_utc_holds", worker, "POST", events,
         lambda w: ev(w, device_time="9999-12-31T23:59:59-05:00"), "device_time"),
    Case("planned_start_before_1970", coordinator, "PATCH", visit_url,
         lambda w: {"planned_start": "0189-01-11T14:57:03-18:55"}, "planned_start"),
    Case("new_visit_in_2201", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, planned_start="2201-01-01T08:00:00+00:00"), "planned_start"),
    Case("unknown_task", worker, "POST", events, lambda w: ev(w, kind="task_done", task="Hoovering"), "task"),
    Case("task_missing", worker, "POST", events, lambda w: ev(w, kind="task_done"), "task"),
    Case("empty_note", worker, "POST", events, lambda w: ev(w, kind="note", text="   "), "text"),
    Case("another_clients_outcome", worker, "POST", events,
         lambda w: ev(w, kind="outcome_progress", outcome_id=w.alpha.outcomes[1].id, score=3), "outcome_id"),
    Case("another_providers_outcome", worker, "POST", events,
         lambda w: ev(w, kind="outcome_progress", outcome_id=w.beta.outcomes[0].id, score=3), "outcome_id"),
    Case("outcome_id_past_64_bits", worker, "POST", events,
         lambda w: ev(w, kind="outcome_progress", outcome_id=10**20, score=3), "outcome_id"),
    Case("no_such_outcome", worker, "POST", events,
         lambda w: ev(w, kind="outcome_progress", outcome_id=987654, score=3), "outcome_id"),
    Case("score_zero", worker, "POST", events,
         lambda w: ev(w, kind="outcome_progress", outcome_id=w.alpha.outcomes[0].id, score=0), "score"),
    Case("score_six", worker, "POST", events,
         lambda w: ev(w, kind="outcome_progress", outcome_id=w.alpha.outcomes[0].id, score=6), "score"),
    Case("score_fractional", worker, "POST", events,
         lambda w: ev(w, kind="outcome_progress", outcome_id=w.alpha.outcomes[0].id, score=4.5), "score"),
    Case("score_missing", worker, "POST", events,
         lambda w: ev(w, kind="outcome_progress", outcome_id=w.alpha.outcomes[0].id), "score"),
    Case("worker_id_smuggled_into_event", worker, "POST", events,
         lambda w: ev(w, worker_id=w.alpha.workers[1].id), "worker_id"),
    Case("body_is_a_list", worker, "POST", events, lambda w: [ev(w)], "_schema"),
    # Non-contact activities.
    Case("negative_minutes", worker, "POST", activities, lambda w: activity_body(w, minutes=-15), "minutes"),
    Case("zero_minutes", worker, "POST", activities, lambda w: activity_body(w, minutes=0), "minutes"),
    Case("fractional_minutes", worker, "POST", activities, lambda w: activity_body(w, minutes=29.5), "minutes"),
    Case("minutes_as_words", worker, "POST", activities, lambda w: activity_body(w, minutes="twenty"), "minutes"),
    Case("unknown_activity_category", worker, "POST", activities, lambda w: activity_body(w, category="gardening"),
         "category"),
    Case("activity_time_without_offset", worker, "POST", activities,
         lambda w: activity_body(w, occurred_at="2026-11-23T10:00:00"), "occurred_at"),
    # Corrections and resolutions.
    Case("check_out_before_check_in", coordinator, "POST", corrections,
         lambda w: correction(w, check_out_at=(w.start - timedelta(minutes=1)).isoformat()), "check_out_at"),
    Case("check_out_equal_to_check_in", coordinator, "POST", corrections,
         lambda w: correction(w, check_out_at=w.start.isoformat()), "check_out_at"),
    Case("bad_reason_code", coordinator, "POST", corrections, lambda w: correction(w, reason_code="felt_like_it"),
         "reason_code"),
    Case("missing_reason_code", coordinator, "POST", corrections, lambda w: correction(w, reason_code=MISSING),
         "reason_code"),
    Case("correction_time_without_offset", coordinator, "POST", corrections,
         lambda w: correction(w, check_in_at="2026-11-23T09:00:00"), "check_in_at"),
    Case("correction_for_worker_not_on_visit", coordinator, "POST", corrections,
         lambda w: correction(w, worker_id=w.alpha.workers[1].id), "worker_id"),
    Case("resolve_bad_reason_code", coordinator, "POST",
         lambda w: f"/api/v1/visits/{w.alpha.visits[0].id}/exceptions/{w.exception.id}/resolve",
         lambda w: {"reason_code": "because"}, "reason_code"),
    # Planning visits.
    Case("planned_start_without_offset", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, planned_start="2026-11-24T08:00:00"), "planned_start"),
    Case("negative_planned_minutes", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, planned_minutes=-30), "planned_minutes"),
    Case("zero_carers", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, carers_required=0), "carers_required"),
    Case("client_id_wrong_type", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, client_id="first"), "client_id"),
    Case("fractional_client_id", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, client_id=w.alpha.clients[0].id + 0.5), "client_id"),
    Case("client_id_past_64_bits", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, client_id=2**63), "client_id"),
    Case("worker_id_past_64_bits", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, worker_ids=[10**20]), "worker_ids"),
    Case("missing_client_id", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, client_id=MISSING), "client_id"),
    Case("tasks_not_a_list", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, tasks="Breakfast"), "tasks"),
    Case("worker_listed_twice", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, worker_ids=[w.alpha.workers[0].id] * 2), "worker_ids"),
    Case("reschedule_negative_minutes", coordinator, "PATCH", visit_url, lambda w: {"planned_minutes": -5},
         "planned_minutes"),
    Case("empty_cancel_reason", coordinator, "PATCH", visit_url, lambda w: {"cancel_reason": ""}, "cancel_reason"),
    Case("status_set_directly", coordinator, "PATCH", visit_url, lambda w: {"status": "completed"}, "status"),
    # Directory.
    Case("client_lat_91", admin, "POST", lambda w: "/api/v1/clients", lambda w: client_body(w, lat=91), "lat"),
    Case("client_lon_minus_181", admin, "POST", lambda w: "/api/v1/clients", lambda w: client_body(w, lon=-181),
         "lon"),
    Case("client_lat_without_lon", admin, "POST", lambda w: "/api/v1/clients", lambda w: client_body(w, lon=MISSING),
         "lon"),
    Case("client_lat_nan", admin, "POST", lambda w: "/api/v1/clients", lambda w: client_body(w, lat="nan"), "lat"),
    Case("contract_id_past_64_bits", admin, "POST", lambda w: "/api/v1/clients",
         lambda w: client_body(w, contract_id=10**20), "contract_id"),
    Case("pattern_worker_past_64_bits", admin, "POST", lambda w: client_url(w, "/visit-patterns"),
         lambda w: pattern(w, worker_ids=[10**20]), "worker_ids"),
    Case("client_empty_name", admin, "POST", lambda w: "/api/v1/clients", lambda w: client_body(w, name=""), "name"),
    Case("client_moved_to_another_contract", admin, "PATCH", client_url,
         lambda w: {"contract_id": w.beta.contract.id}, "contract_id"),
    Case("client_patch_lat_91", admin, "PATCH", client_url, lambda w: {"lat": 91}, "lat"),
    Case("worker_moved_to_another_provider", admin, "PATCH", lambda w: f"/api/v1/workers/{w.alpha.workers[0].id}",
         lambda w: {"provider_id": w.beta.provider.id}, "provider_id"),
    Case("worker_short_password", admin, "POST", lambda w: "/api/v1/workers",
         lambda w: {"name": "Sam", "email": "sam@alpha.example", "password": "short"}, "password"),
    Case("worker_bad_email", admin, "POST", lambda w: "/api/v1/workers",
         lambda w: {"name": "Sam", "email": "not-an-email", "password": "long enough password"}, "email"),
    Case("worker_email_already_used", admin, "POST", lambda w: "/api/v1/workers",
         lambda w: {"name": "Sam", "email": w.beta.coordinator.email.upper(), "password": "long enough password"},
         "email"),
    Case("family_bad_email", admin, "POST", lambda w: client_url(w, "/family"),
         lambda w: {"name": "Son", "email": "son-at-home", "password": "long enough password"}, "email"),
    # Care records.
    Case("outcome_empty_title", admin, "POST", lambda w: client_url(w, "/outcomes"), lambda w: {"title": ""}, "title"),
    Case(
        "outcome_moved_to_another_client",
        admin,
        "PATCH",
        lambda w: f"/api/v1/outcomes/{w.alpha.outcomes[0].id}",
        lambda w: {"client_id": w.alpha.clients[1].id},
        "client_id",
    ),
    Case(
        "package_negative_minutes",
        admin,
        "POST",
        lambda w: client_url(w, "/care-packages"),
        lambda w: {"weekly_minutes": -60, "starts_on": "2026-12-01"},
        "weekly_minutes",
    ),
    Case(
        "package_ends_before_it_starts",
        admin,
        "POST",
        lambda w: client_url(w, "/care-packages"),
        lambda w: {"weekly_minutes": 60, "starts_on": "2026-12-01", "ends_on": "2026-11-30"},
        "ends_on",
    ),
    Case(
        "package_flex_three_weeks",
        admin,
        "POST",
        lambda w: client_url(w, "/care-packages"),
        lambda w: {"weekly_minutes": 60, "flex_weeks": 3, "starts_on": "2026-12-01"},
        "flex_weeks",
    ),
    Case(
        "pattern_hour_25",
        admin,
        "POST",
        lambda w: client_url(w, "/visit-patterns"),
        lambda w: pattern(w, start_time="25:00"),
        "start_time",
    ),
    Case(
        "pattern_weekday_zero",
        admin,
        "POST",
        lambda w: client_url(w, "/visit-patterns"),
        lambda w: pattern(w, weekdays=[0, 1]),
        "weekdays",
    ),
    Case(
        "pattern_no_weekdays",
        admin,
        "POST",
        lambda w: client_url(w, "/visit-patterns"),
        lambda w: pattern(w, weekdays=[]),
        "weekdays",
    ),
    Case(
        "pattern_negative_duration",
        admin,
        "POST",
        lambda w: client_url(w, "/visit-patterns"),
        lambda w: pattern(w, duration_minutes=-30),
        "duration_minutes",
    ),
    Case(
        "pattern_unknown_worker",
        admin,
        "POST",
        lambda w: client_url(w, "/visit-patterns"),
        lambda w: pattern(w, worker_ids=[987654]),
        "worker_ids",
    ),
    Case(
        "on_call_contact_neither_email_nor_phone",
        admin,
        "PATCH",
        lambda w: f"/api/v1/providers/{w.alpha.provider.id}",
        lambda w: {"on_call_contact": "the manager"},
        "on_call_contact",
    ),
    Case(
        "provider_name_empty",
        admin,
        "PATCH",
        lambda w: f"/api/v1/providers/{w.alpha.provider.id}",
        lambda w: {"name": ""},
        "name",
    ),
    # Auth.
    Case("login_without_password", lambda w: None, "POST", lambda w: "/api/v1/auth/login",
         lambda w: {"email": "w1@alpha.example"}, "password"),
    Case("login_bad_email", lambda w: None, "POST", lambda w: "/api/v1/auth/login",
         lambda w: {"email": "w1", "password": "x"}, "email"),
    # Lists longer than a visit may have.
    Case("visit_with_51_tasks", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, tasks=[f"Task {i}" for i in range(51)]), "tasks"),
    Case("visit_with_5_workers", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, worker_ids=[w.alpha.workers[0].id + i for i in range(5)]), "worker_ids"),
    Case("reschedule_with_51_tasks", coordinator, "PATCH", visit_url, lambda w: {"tasks": ["Tea"] * 51}, "tasks"),
    Case("pattern_with_51_tasks", admin, "POST", lambda w: client_url(w, "/visit-patterns"),
         lambda w: pattern(w, tasks=["Tea"] * 51), "tasks"),
    Case("login_email_over_254", lambda w: None, "POST", lambda w: "/api/v1/auth/login",
         lambda w: {"email": "a" * 250 + "@x.example", "password": "x"}, "email"),
    # A NUL character in any text: PostgreSQL cannot store it, so neither database may be given it.
    Case("nul_in_login_email", lambda w: None, "POST", lambda w: "/api/v1/auth/login",
         lambda w: {"email": "w1@alpha.example\u0000", "password": "x"}, "email"),
    Case("nul_in_event_note", worker, "POST", events, lambda w: ev(w, kind="note", text="Ate well\u0000"), "text"),
    Case("nul_in_event_device_id", worker, "POST", events, lambda w: ev(w, device_id="\u0000"), "device_id"),
    Case("nul_in_activity_note", worker, "POST", activities, lambda w: activity_body(w, note="Rang GP\u0000"), "note"),
    Case("nul_in_correction_note", coordinator, "POST", corrections, lambda w: correction(w, note="\u0000"), "note"),
    Case("nul_in_resolution_note", coordinator, "POST",
         lambda w: f"/api/v1/visits/{w.alpha.visits[0].id}/exceptions/{w.exception.id}/resolve",
         lambda w: {"reason_code": "forgot_to_log", "note": "a\u0000b"}, "note"),
    Case("nul_in_a_visit_task", coordinator, "POST", lambda w: "/api/v1/visits",
         lambda w: new_visit(w, tasks=["Breakfast", "Tea\u0000"]), "tasks"),
    Case("nul_in_cancel_reason", coordinator, "PATCH", visit_url, lambda w: {"cancel_reason": "ill\u0000"},
         "cancel_reason"),
    Case("nul_in_client_name", admin, "POST", lambda w: "/api/v1/clients", lambda w: client_body(w, name="Ada\u0000"),
         "name"),
    Case("nul_in_client_access_notes", admin, "PATCH", client_url, lambda w: {"access_notes": "Key safe\u0000"},
         "access_notes"),
    Case("nul_in_worker_name", admin, "POST", lambda w: "/api/v1/workers",
         lambda w: {"name": "Sam\u0000", "email": "sam@alpha.example", "password": "long enough password"}, "name"),
    Case("nul_in_family_relationship", admin, "POST", lambda w: client_url(w, "/family"),
         lambda w: {"name": "Son", "email": "son@alpha.example", "password": "long enough password",
                    "relationship_label": "son\u0000"}, "relationship_label"),
    Case("nul_in_outcome_title", admin, "POST", lambda w: client_url(w, "/outcomes"),
         lambda w: {"title": "Walk\u0000"}, "title"),
    Case("nul_in_pattern_task", admin, "POST", lambda w: client_url(w, "/visit-patterns"),
         lambda w: pattern(w, tasks=["\u0000"]), "tasks"),
    Case("nul_in_provider_name", admin, "PATCH", lambda w: f"/api/v1/providers/{w.alpha.provider.id}",
         lambda w: {"name": "Alpha\u0000Care"}, "name"),
]

QUERY_CASES = [
    ("/api/v1/visits", {"cursor": "not a cursor"}, "cursor"),
    ("/api/v1/visits", {"cursor": cursor_of({"at": "2026-11-23T09:00:00+00:00", "id": 1})}, "cursor"),
    ("/api/v1/visits", {"cursor": cursor_of(["2026-11-23T09:00:00", 1])}, "cursor"),
    ("/api/v1/visits", {"cursor": cursor_of(["2026-11-23T09:00:00+00:00", 10 ** 30])}, "cursor"),
    ("/api/v1/visits", {"cursor": cursor_of(["2026-11-23T09:00:00+00:00", "1e999"])}, "cursor"),
    ("/api/v1/visits", {"cursor": cursor_of(["2026-11-23T09:00:00+00:00", 1.5])}, "cursor"),
    ("/api/v1/visits", {"cursor": cursor_of([None, 1])}, "cursor"),
    ("/api/v1/visits", {"status": "lost"}, "status"),
    ("/api/v1/visits", {"limit": 0}, "limit"),
    ("/api/v1/visits", {"limit": 501}, "limit"),
    ("/api/v1/visits", {"date_from": "2026-13-01"}, "date_from"),
    ("/api/v1/visits", {"date_from": "2026-11-24", "date_to": "2026-11-23"}, "date_to"),
    ("/api/v1/visits", {"client_id": "first"}, "client_id"),
    ("/api/v1/visits", {"client_id": 10**20}, "client_id"),
    ("/api/v1/visits", {"worker_id": 2**63}, "worker_id"),
    ("/api/v1/run", {"date": "tomorrow"}, "date"),
    ("/api/v1/run", {"worker_id": 10**20}, "worker_id"),
    ("/api/v1/visits", {"cursor": "x" * 201}, "cursor"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_422_with_field_messages_and_writes_nothing(client, vw, case):
    who, body = case.who(vw), case.body(vw)
    headers = headers_for(who) if who else {}
    before = snapshot()
    if isinstance(body, str):
        r = client.open(case.url(vw), method=case.method, data=body, content_type="application/json", headers=headers)
    else:
        r = client.open(case.url(vw), method=case.method, json=body, headers=headers)
    assert_validation_error(r, case.field)
    assert snapshot() == before


@pytest.mark.parametrize("url,query,field", QUERY_CASES, ids=[f"{q[0].rsplit('/', 1)[1]}-{i}" for i, q in
                                                              enumerate(QUERY_CASES)])
def test_bad_query_is_422_with_field_messages(client, vw, url, query, field):
    who = vw.alpha.coordinator if url.endswith("visits") else vw.alpha.worker_users[0]
    assert_validation_error(client.get(url, query_string=query, headers=headers_for(who)), field)


def test_inactive_worker_cannot_be_put_on_a_visit(client, vw):
    a = vw.alpha
    db.session.get(Worker, a.workers[1].id).active = False
    db.session.commit()
    before = snapshot()
    r = client.patch(f"/api/v1/visits/{a.visits[0].id}", json={"worker_ids": [a.workers[1].id]},
                     headers=headers_for(a.coordinator))
    assert_validation_error(r, "worker_ids")
    assert snapshot() == before


def test_a_valid_body_next_to_the_bad_ones_is_accepted(client, vw):
    """The builders above only break the one field each case names."""
    a = vw.alpha
    assert client.post(events(vw), json=ev(vw), headers=headers_for(worker(vw))).status_code == 201
    assert client.post(activities(vw), json=activity_body(vw), headers=headers_for(worker(vw))).status_code == 201
    assert client.post("/api/v1/clients", json=client_body(vw), headers=headers_for(a.admin)).status_code == 201
    assert client.post(client_url(vw, "/visit-patterns"), json=pattern(vw),
                       headers=headers_for(a.admin)).status_code == 201
    assert client.post("/api/v1/visits", json=new_visit(vw), headers=headers_for(a.coordinator)).status_code == 201
    assert client.post(corrections(vw), json=correction(vw), headers=headers_for(a.coordinator)).status_code == 201


def test_a_phone_clock_reset_to_1970_is_still_recorded(client, vw):
    """The oldest time a phone sends is its clock's zero: kept, so the offset against the server is measured."""
    r = client.post(events(vw), json=ev(vw, device_time="1970-01-01T00:00:00+00:00"), headers=headers_for(worker(vw)))
    assert r.status_code == 201 and r.get_json()["event"]["device_time"].startswith("1970-01-01")


def test_malformed_json_is_400_in_the_error_shape_and_writes_nothing(client, vw):
    before = snapshot()
    r = client.post(events(vw), data='{"kind": "check_in",', content_type="application/json",
                    headers=headers_for(worker(vw)))
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "bad_request"
    assert r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_unknown_route_and_wrong_method_answer_in_the_error_shape(client, vw):
    r = client.get("/api/v1/no-such-thing", headers=headers_for(coordinator(vw)))
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")
    r = client.delete(visit_url(vw), headers=headers_for(coordinator(vw)))
    assert (r.status_code, r.get_json()["error"]["code"]) == (405, "method_not_allowed")


def test_a_nul_in_a_synced_item_rejects_that_item_alone(client, vw):
    """A sync batch answers per item, so one text with a NUL cannot hold back the rest of the phone's queue."""
    a = vw.alpha
    good = {"type": "visit_event", "visit_id": a.visits[0].id, **ev(vw)}
    bad = {"type": "visit_event", "visit_id": a.visits[0].id, **ev(vw, kind="note", text="Ate well\u0000")}
    nul_note = {"type": "activity", "client_id": a.clients[0].id, **activity_body(vw, note="\u0000")}
    r = client.post("/api/v1/sync/batches", json={"device_id": "phone-7", "sent_at": vw.start.isoformat(),
                                                  "items": [bad, good, nul_note]}, headers=headers_for(worker(vw)))
    assert r.status_code == 200
    results = r.get_json()["results"]
    assert [x["status"] for x in results] == ["rejected", "accepted", "rejected"]
    assert [list(x["error"]["details"]["fields"]) for x in (results[0], results[2])] == [["text"], ["note"]]
    assert (count(VisitEvent), count(NonContactActivity)) == (1, 0)


def test_every_schema_refuses_nul_in_text(app):
    """Every schema derives from the one base that refuses a NUL, so a new schema cannot forget to."""
    import marshmallow

    from server.schemas import Schema

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {cls for cls in subclasses(marshmallow.Schema) if cls.__module__.startswith("server.")}
    assert len(ours) > 50
    assert [cls.__qualname__ for cls in ours if not issubclass(cls, Schema)] == []
