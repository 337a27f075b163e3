"""The medication list, the doses due at a visit and their records, through the API as each role uses it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.medication.models import DoseRecord, MedicationVersion
from server.visits.models import VisitException
from tests.builders import dose_body, event, medicine
from tests.dbstate import count, snapshot
from tests.factories import visit_for
from tests.sessions import headers_for


@pytest.fixture
def mw(world):
    """Alpha's first client takes Levodopa at 09:00, time-critical; their visit is 23 Nov 2026 09:00 (GMT)."""
    world.medicine = medicine(world.alpha.clients[0], world.alpha.admin, time_critical=True)
    return world


def doses(client, visit, who):
    r = client.get(f"/api/v1/visits/{visit.id}/doses", headers=headers_for(who))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def record(client, visit, who, body):
    return client.post(f"/api/v1/visits/{visit.id}/doses", json=body, headers=headers_for(who))


def test_coordinator_keeps_the_list_and_every_change_is_a_version_with_who_and_why(client, world):
    a = world.alpha
    r = client.post(f"/api/v1/clients/{a.clients[0].id}/medications", headers=headers_for(a.coordinator), json={
        "name": "Co-careldopa", "dmd_code": "322236009", "strength": "25 mg/100 mg", "dose": "1 tablet",
        "route": "oral", "times": ["08:00", "14:00"], "time_critical": True, "starts_on": "2026-11-01"})
    assert r.status_code == 201, r.get_json()
    medication = r.get_json()
    assert [v["number"] for v in medication["versions"]] == [1]
    r = client.post(f"/api/v1/medications/{medication['id']}/versions", headers=headers_for(a.admin), json={
        "name": "Co-careldopa", "dose": "2 tablets", "route": "oral", "times": ["08:00"], "starts_on": "2026-12-01",
        "reason": "Neurologist review"})
    assert r.status_code == 201, r.get_json()
    got = client.get(f"/api/v1/medications/{medication['id']}", headers=headers_for(world.officer)).get_json()
    assert [(v["number"], v["dose"], v["reason"], v["changed_by_name"]) for v in got["versions"]] == [
        (1, "1 tablet", None, "Coord"), (2, "2 tablets", "Neurologist review", "Admin")]
    listed = client.get(f"/api/v1/clients/{a.clients[0].id}/medications", headers=headers_for(a.admin)).get_json()
    assert [m["id"] for m in listed] == [medication["id"]]


BAD_MEDICINES = {
    "dmd_code_letters": {"dmd_code": "12345A"},
    "dmd_code_short": {"dmd_code": "12345"},
    "dmd_code_long": {"dmd_code": "1" * 19},
    "no_times": {"times": []},
    "bad_time": {"times": ["25:00"]},
    "prn_with_times": {"prn": True},
    "limits_without_prn": {"prn_max_per_day": 4},
    "ends_before_start": {"ends_on": "2026-10-01"},
    "unknown_route": {"route": "by magic"},
    "another_clients_pattern": {"visit_pattern_ids": [2**40]},
}


@pytest.mark.parametrize("case", BAD_MEDICINES)
def test_bad_medicine_is_refused_and_nothing_is_written(client, world, case):
    body = {"name": "Aspirin", "dose": "75 mg", "route": "oral", "times": ["08:00"], "starts_on": "2026-11-01",
            **BAD_MEDICINES[case]}
    before = snapshot()
    r = client.post(f"/api/v1/clients/{world.alpha.clients[0].id}/medications", json=body,
                    headers=headers_for(world.alpha.coordinator))
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == "validation_error"
    assert snapshot() == before


def test_a_change_needs_a_reason(client, mw):
    before = snapshot()
    r = client.post(f"/api/v1/medications/{mw.medicine.id}/versions", headers=headers_for(mw.alpha.admin), json={
        "name": "Levodopa", "dose": "2 tablets", "route": "oral", "times": ["09:00"], "starts_on": "2026-12-01"})
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_worker_sees_the_dose_due_and_records_it_once_however_often_sent(client, mw):
    a = mw.alpha
    visit, worker = a.visits[0], a.worker_users[0]
    due = doses(client, visit, worker)["due"]
    assert [(d["medication_id"], d["slot"], d["record"]) for d in due] == [(mw.medicine.id, "09:00", None)]
    body = dose_body(mw.medicine)
    first = record(client, visit, worker, body)
    assert first.status_code == 201, first.get_json()
    again = record(client, visit, worker, body)
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert again.get_json()["record"]["id"] == first.get_json()["record"]["id"]
    assert count(DoseRecord) == 1
    assert doses(client, visit, worker)["due"][0]["record"]["outcome"] == "given"


def test_a_key_reused_for_other_content_and_a_second_record_of_the_same_dose_are_refused(client, mw):
    a = mw.alpha
    visit, worker = a.visits[0], a.worker_users[0]
    body = dose_body(mw.medicine)
    assert record(client, visit, worker, body).status_code == 201
    before = snapshot()
    r = record(client, visit, worker, {**body, "outcome": "refused", "reason": "Asleep"})
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "idempotency_conflict")
    r = record(client, visit, worker, dose_body(mw.medicine, outcome="refused", reason="Asleep"))
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "dose_already_recorded")
    assert snapshot() == before


BAD_DOSES = {
    "no_reason_for_refusal": lambda m: dose_body(m, outcome="refused"),
    "blank_reason": lambda m: dose_body(m, outcome="not_given", reason="   "),
    "unknown_outcome": lambda m: dose_body(m, outcome="dropped"),
    "slot_not_due": lambda m: dose_body(m, slot="13:00"),
    "bad_slot": lambda m: dose_body(m, slot="morning"),
    "not_prn_without_slot": lambda m: dose_body(m, slot=None),
    "no_time": lambda m: {k: v for k, v in dose_body(m).items() if k != "administered_at"},
}


@pytest.mark.parametrize("case", BAD_DOSES)
def test_bad_dose_record_is_refused_and_nothing_is_written(client, mw, case):
    before = snapshot()
    r = record(client, mw.alpha.visits[0], mw.alpha.worker_users[0], BAD_DOSES[case](mw.medicine))
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == "validation_error"
    assert snapshot() == before


def test_a_medicine_of_another_client_is_not_recordable_at_this_visit(client, mw):
    a = mw.alpha
    others = medicine(a.clients[1], a.admin, name="Warfarin")
    before = snapshot()
    r = record(client, a.visits[0], a.worker_users[0], dose_body(others))
    assert r.status_code == 422 and "medication_id" in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_a_refusal_goes_to_the_exception_queue(client, mw):
    a = mw.alpha
    r = record(client, a.visits[0], a.worker_users[0], dose_body(mw.medicine, outcome="refused", reason="Felt sick"))
    assert r.status_code == 201
    exc = db.session.scalar(select(VisitException).where(VisitException.kind == "dose_not_given"))
    assert exc.visit_id == a.visits[0].id and exc.detail == "Levodopa (09:00): refused"
    listed = client.get("/api/v1/visits?status=exception&date_from=2026-11-23&date_to=2026-11-23",
                        headers=headers_for(a.coordinator)).get_json()["items"]
    assert a.visits[0].id in [v["id"] for v in listed]


def test_a_moved_visit_moves_its_doses_and_a_cancelled_one_has_none(client, mw):
    a = mw.alpha
    visit = a.visits[0]
    later = visit_for(a.clients[0], mw.start + timedelta(hours=5), workers=[a.workers[0]])
    db.session.commit()
    assert [d["slot"] for d in doses(client, visit, a.coordinator)["due"]] == ["09:00"]
    assert doses(client, later, a.coordinator)["due"] == []
    r = client.patch(f"/api/v1/visits/{visit.id}", headers=headers_for(a.coordinator),
                     json={"planned_start": (mw.start - timedelta(hours=2, minutes=30)).isoformat()})
    assert r.status_code == 200, r.get_json()
    assert doses(client, visit, a.coordinator)["due"][0]["due_at"].startswith("2026-11-23T06:30")
    client.patch(f"/api/v1/visits/{visit.id}", headers=headers_for(a.coordinator),
                 json={"cancel_reason": "Client in hospital"})
    assert doses(client, visit, a.coordinator)["due"] == []
    r = record(client, visit, a.worker_users[0], dose_body(mw.medicine))
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "visit_cancelled")


def test_contract_option_refuses_check_out_until_every_due_dose_is_recorded(client, mw):
    a = mw.alpha
    visit, worker = a.visits[0], a.worker_users[0]
    a.contract.require_doses_before_checkout = True
    db.session.commit()
    url = f"/api/v1/visits/{visit.id}/events"
    assert client.post(url, json=event("check_in", mw.start), headers=headers_for(worker)).status_code == 201
    r = client.post(url, json=event("check_out", mw.start + timedelta(minutes=30)), headers=headers_for(worker))
    assert r.status_code == 409, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == "doses_not_recorded" and "Levodopa (09:00)" in error["message"]
    assert error["details"]["doses"] == [{"medication_id": mw.medicine.id, "name": "Levodopa", "slot": "09:00"}]
    assert record(client, visit, worker, dose_body(mw.medicine)).status_code == 201
    r = client.post(url, json=event("check_out", mw.start + timedelta(minutes=31)), headers=headers_for(worker))
    assert r.status_code == 201, r.get_json()


def test_without_the_option_check_out_goes_ahead(client, mw):
    a = mw.alpha
    url = f"/api/v1/visits/{a.visits[0].id}/events"
    client.post(url, json=event("check_in", mw.start), headers=headers_for(a.worker_users[0]))
    r = client.post(url, json=event("check_out", mw.start + timedelta(minutes=30)),
                    headers=headers_for(a.worker_users[0]))
    assert r.status_code == 201


def test_family_sees_outcomes_only_where_the_client_consents(client, mw):
    a = mw.alpha
    record(client, a.visits[0], a.worker_users[0], dose_body(mw.medicine, outcome="refused", reason="Felt sick"))
    r = client.get(f"/api/v1/visits/{a.visits[0].id}/doses", headers=headers_for(a.family))
    assert (r.status_code, r.get_json()["error"]["code"]) == (403, "medication_not_shared")
    r = client.patch(f"/api/v1/clients/{a.clients[0].id}", json={"medication_shared_with_family": True},
                     headers=headers_for(a.admin))
    assert r.status_code == 200 and r.get_json()["medication_shared_with_family"] is True
    seen = doses(client, a.visits[0], a.family)
    assert seen["due"][0]["record"]["outcome"] == "refused"
    assert seen["due"][0]["record"]["reason"] is None and seen["records"][0]["reason"] is None


def test_as_required_dose_needs_why_limits_are_flagged_and_the_effect_comes_later(client, mw):
    a = mw.alpha
    visit, worker = a.visits[0], a.worker_users[0]
    prn = medicine(a.clients[0], a.admin, name="Paracetamol", prn=True, prn_max_per_day=1)
    assert [m["name"] for m in doses(client, visit, worker)["as_required"]] == ["Paracetamol"]
    r = record(client, visit, worker, dose_body(prn, slot=None))
    assert r.status_code == 422 and "prn_reason" in r.get_json()["error"]["details"]["fields"]
    first = record(client, visit, worker, dose_body(prn, slot=None, prn_reason="Headache")).get_json()["record"]
    assert first["flags"] == []
    second = record(client, visit, worker, dose_body(prn, slot=None, prn_reason="Headache again",
                                                     at=mw.start + timedelta(hours=1)))
    assert second.status_code == 201 and second.get_json()["record"]["flags"] == ["prn_over_limit"]
    r = client.post(f"/api/v1/visits/{visit.id}/doses/{first['id']}/effect", json={"effect": "Eased in 30 min"},
                    headers=headers_for(worker))
    assert r.status_code == 200 and r.get_json()["prn_effect"] == "Eased in 30 min"
    scheduled = record(client, visit, worker, dose_body(mw.medicine)).get_json()["record"]
    r = client.post(f"/api/v1/visits/{visit.id}/doses/{scheduled['id']}/effect", json={"effect": "x"},
                    headers=headers_for(worker))
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "not_as_required")


def test_a_version_started_later_leaves_earlier_visits_as_they_were(client, mw):
    a = mw.alpha
    r = client.post(f"/api/v1/medications/{mw.medicine.id}/versions", headers=headers_for(a.admin), json={
        "name": "Levodopa", "dose": "1 tablet", "route": "oral", "times": ["09:00"], "starts_on": "2026-11-01",
        "ends_on": "2026-11-22", "reason": "Stopped by GP"})
    assert r.status_code == 201
    assert doses(client, a.visits[0], a.coordinator)["due"] == []
    assert db.session.scalar(select(MedicationVersion.reason).where(MedicationVersion.number == 2)) == "Stopped by GP"


def test_mar_month_must_be_a_month(client, mw):
    for month in ("2026-13", "2026-1", "november", ""):
        r = client.get(f"/api/v1/clients/{mw.alpha.clients[0].id}/mar.pdf?month={month}",
                       headers=headers_for(mw.alpha.coordinator))
        assert r.status_code == 422, month


def test_dose_at_a_visit_the_worker_is_not_on_is_not_found(client, mw):
    a = mw.alpha
    before = snapshot()
    r = record(client, a.visits[0], a.worker_users[1], dose_body(mw.medicine))
    assert r.status_code == 404
    assert snapshot() == before
