"""The effect of an as-required dose, sent from a phone that may be offline, lands exactly once."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from server.extensions import db
from server.medication.models import DoseEffect, DoseRecord
from tests.builders import dose, dose_body, medicine, upload
from tests.dbstate import count
from tests.sessions import headers_for


@pytest.fixture
def prn(world):
    a = world.alpha
    world.prn = medicine(a.clients[0], a.admin, name="Paracetamol", prn=True)
    world.given = dose(a.worker_users[0], a.visits[0], world.prn, slot=None, prn_reason="Headache")
    return world


def effect_item(visit, dose_key, effect="Pain eased after 30 min", at=None, **fields):
    at = at or visit.planned_start + timedelta(minutes=40)
    return {"type": "dose_effect", "visit_id": visit.id, "idempotency_key": str(uuid.uuid4()),
            "dose_key": str(dose_key), "effect": effect, "recorded_at": at.isoformat(), **fields}


def stored_effect(record):
    db.session.expire_all()
    got = db.session.get(DoseRecord, record.id)
    return got.prn_effect, got.prn_effect_at


def test_an_effect_replayed_in_later_batches_is_stored_once(client, prn):
    a = prn.alpha
    item = effect_item(a.visits[0], prn.given.idempotency_key, device_id="pwa-1")
    first = upload(client, a.worker_users[0], [item]).get_json()["results"][0]
    assert (first["status"], first["idempotency_key"]) == ("accepted", item["idempotency_key"]), first
    again = upload(client, a.worker_users[0], [item, item]).get_json()["results"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert {r["id"] for r in again} == {first["id"]}
    assert count(DoseEffect) == 1
    assert stored_effect(prn.given) == ("Pain eased after 30 min", a.visits[0].planned_start + timedelta(minutes=40))
    changed = upload(client, a.worker_users[0], [{**item, "effect": "No change"}]).get_json()["results"][0]
    assert (changed["status"], changed["error"]["code"]) == ("rejected", "idempotency_conflict")
    assert count(DoseEffect) == 1


def test_an_effect_queued_behind_its_offline_dose_lands_with_it(client, prn):
    a = prn.alpha
    visit = a.visits[0]
    given = {"type": "dose", "visit_id": visit.id, **dose_body(prn.prn, slot=None, prn_reason="Back pain")}
    results = upload(client, a.worker_users[0], [given, effect_item(visit, given["idempotency_key"])]).get_json()
    assert [r["status"] for r in results["results"]] == ["accepted", "accepted"]
    record = db.session.get(DoseRecord, results["results"][0]["id"])
    assert record.prn_effect == "Pain eased after 30 min"


def test_an_effect_said_earlier_but_uploaded_later_does_not_replace_a_newer_one(client, prn):
    a = prn.alpha
    start = a.visits[0].planned_start
    newer = effect_item(a.visits[0], prn.given.idempotency_key, "Settled, asleep", at=start + timedelta(hours=1))
    older = effect_item(a.visits[0], prn.given.idempotency_key, "Still sore", at=start + timedelta(minutes=20))
    results = upload(client, a.worker_users[0], [newer, older]).get_json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert stored_effect(prn.given) == ("Settled, asleep", start + timedelta(hours=1))
    assert count(DoseEffect) == 2


def test_another_clients_visit_or_dose_is_rejected_as_not_found(client, prn):
    a, b = prn.alpha, prn.beta
    theirs = upload(client, b.worker_users[0], [effect_item(a.visits[0], prn.given.idempotency_key)])
    # Their own visit, naming our dose: the dose is not at that visit.
    crossed = upload(client, b.worker_users[0], [effect_item(b.visits[0], prn.given.idempotency_key)])
    unknown = upload(client, a.worker_users[0], [effect_item(a.visits[0], uuid.uuid4())])
    for answer in (theirs, crossed, unknown):
        result = answer.get_json()["results"][0]
        assert (result["status"], result["error"]["code"]) == ("rejected", "not_found"), result
    assert count(DoseEffect) == 0
    assert stored_effect(prn.given) == (None, None)


@pytest.mark.parametrize("change", [
    {"effect": ""}, {"effect": "x" * 2001}, {"dose_key": "not-a-uuid"}, {"recorded_at": "yesterday"},
    {"recorded_at": "2026-11-23T09:40:00"}, {"idempotency_key": None}, {"visit_id": "17"},
])
def test_a_bad_effect_item_is_rejected_and_writes_nothing(client, prn, change):
    a = prn.alpha
    item = {**effect_item(a.visits[0], prn.given.idempotency_key), **change}
    result = upload(client, a.worker_users[0], [item]).get_json()["results"][0]
    assert (result["status"], result["error"]["code"]) == ("rejected", "validation_error"), result
    assert count(DoseEffect) == 0
    assert stored_effect(prn.given) == (None, None)


def test_a_scheduled_dose_has_no_effect_to_record(client, prn):
    a = prn.alpha
    levodopa = medicine(a.clients[0], a.admin)
    scheduled = dose(a.worker_users[0], a.visits[0], levodopa)
    result = upload(client, a.worker_users[0], [effect_item(a.visits[0], scheduled.idempotency_key)]).get_json()
    assert result["results"][0]["error"]["code"] == "not_as_required"
    assert count(DoseEffect) == 0


def test_the_api_effect_refuses_bad_input_and_another_providers_worker(client, prn):
    a = prn.alpha
    visit, worker = a.visits[0], a.worker_users[0]
    r = client.post(f"/api/v1/visits/{visit.id}/doses/{prn.given.id}/effect", json={"effect": ""},
                    headers=headers_for(worker))
    assert r.status_code == 422 and "effect" in r.get_json()["error"]["details"]["fields"]
    assert stored_effect(prn.given) == (None, None)
    r = client.post(f"/api/v1/visits/{visit.id}/doses/{prn.given.id}/effect", json={"effect": "Eased"},
                    headers=headers_for(prn.beta.worker_users[0]))
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")
    assert stored_effect(prn.given) == (None, None)
