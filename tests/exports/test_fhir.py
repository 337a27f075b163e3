"""GET /clients/<id>/fhir/encounters: a client's visits as a FHIR R4 Bundle, read back by the FHIR library."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.exports.fhir import CLIENT_REFERENCE, HCPCS, WORKER_ID, WORKER_REFERENCE
from server.extensions import db
from server.visits.models import Visit
from tests.dbstate import snapshot
from tests.documented import assert_documented
from tests.sessions import headers_for

WEEK = {"date_from": "2026-11-23", "date_to": "2026-11-29"}


def url(client_id: int) -> str:
    return f"/api/v1/clients/{client_id}/fhir/encounters"


def bundle_of(r) -> Bundle:
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == "application/fhir+json"
    return Bundle.model_validate_json(r.get_data())


def get(client, user, client_id, **params):
    return client.get(url(client_id), query_string={**WEEK, **params}, headers=headers_for(user))


def test_each_visit_is_an_encounter_the_library_reads_back(client, ew):
    a = ew.alpha
    bundle = bundle_of(get(client, a.coordinator, a.clients[0].id))
    assert bundle.type == "collection" and bundle.timestamp is not None
    done, planned = (entry.resource for entry in bundle.entry)
    assert done.get_resource_type() == "Encounter" and done.id == f"visit-{a.visits[0].id}"
    assert (done.status, planned.status) == ("in-progress", "planned")  # one carer is still checked in
    assert (done.class_fhir.code, done.class_fhir.system) == ("HH", "http://terminology.hl7.org/CodeSystem/v3-ActCode")
    assert done.period.start.isoformat() == "2026-11-23T09:02:00+00:00" and done.period.end is None
    assert planned.period.start.isoformat() == "2026-11-24T09:00:00+00:00"
    assert planned.period.end.isoformat() == "2026-11-24T09:30:00+00:00"
    assert done.subject.type == "Patient" and done.subject.display == "AlphaClient1"
    assert (done.subject.identifier.system, done.subject.identifier.value) == (CLIENT_REFERENCE, "REF-AlphaClient1")
    lead, second = done.participant
    assert (lead.individual.type, lead.individual.display) == ("Practitioner", "Alpha Worker 1")
    assert (lead.individual.identifier.system, lead.individual.identifier.value) == (WORKER_REFERENCE, "EMP-17")
    assert (second.individual.identifier.system, second.individual.identifier.value) == \
        (WORKER_ID, str(a.workers[1].id))
    assert [p.type[0].coding[0].code for p in done.participant] == ["PPRF", "SPRF"]
    assert (lead.period.start.isoformat(), lead.period.end.isoformat()) == \
        ("2026-11-23T09:02:00+00:00", "2026-11-23T09:33:00+00:00")
    (coding,) = done.serviceType.coding
    assert (coding.system, coding.code) == (HCPCS, "T1019")  # the care package's code
    assert done.location[0].location.display == "1 AlphaClient1 Street, Kendal"
    assert done.location[0].status == "active"


def test_a_finished_visit_has_its_length_and_its_own_service_code(client, ew):
    a = ew.alpha
    (entry,) = bundle_of(get(client, ew.officer, a.clients[1].id)).entry
    encounter = entry.resource
    assert encounter.status == "finished" and encounter.serviceType.coding[0].code == "S5125"
    assert (encounter.period.start.isoformat(), encounter.period.end.isoformat()) == \
        ("2026-11-23T09:05:00+00:00", "2026-11-23T09:40:00+00:00")
    assert (encounter.length.value, encounter.length.code) == (35, "min")
    assert encounter.location[0].status == "completed"


@pytest.mark.parametrize("status, fhir_status", [
    ("missed", "cancelled"), ("cancelled", "cancelled"), ("late", "planned"), ("scheduled", "planned"),
])
def test_visit_states_map_to_encounter_states(client, ew, status, fhir_status):
    db.session.get(Visit, ew.planned_id).status = status
    db.session.commit()
    bundle = bundle_of(get(client, ew.alpha.admin, ew.alpha.clients[0].id, date_from="2026-11-24"))
    assert [e.resource.status for e in bundle.entry] == [fhir_status]


def test_the_period_is_in_the_councils_local_dates(client, ew):
    """02:30 UTC on the 24th is 21:30 on the 23rd in New York."""
    db.session.get(Visit, ew.planned_id).planned_start = datetime(2026, 11, 24, 2, 30, tzinfo=timezone.utc)
    db.session.commit()
    client_id = ew.alpha.clients[0].id
    on_23rd = bundle_of(get(client, ew.officer, client_id, date_from="2026-11-23", date_to="2026-11-23"))
    assert [e.resource.id for e in on_23rd.entry] == [f"visit-{ew.alpha.visits[0].id}", f"visit-{ew.planned_id}"]
    on_24th = bundle_of(get(client, ew.officer, client_id, date_from="2026-11-24", date_to="2026-11-24"))
    assert not on_24th.entry


def test_answer_is_documented_and_audited(app, client, ew):
    r = get(client, ew.officer, ew.alpha.clients[0].id)
    assert_documented(app, "GET", "/api/v1/clients/{client_id}/fhir/encounters", r)
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "exports.fhir_encounters"))
    assert (entry.user_id, entry.object_id, entry.details["encounters"]) == \
        (ew.officer.id, str(ew.alpha.clients[0].id), 2)


@pytest.mark.parametrize("who", [
    lambda w: w.beta.coordinator, lambda w: w.beta.admin, lambda w: w.gamma.admin, lambda w: w.south_officer,
])
def test_another_tenants_client_is_not_found_and_nothing_is_written(client, ew, who):
    before = snapshot()
    r = get(client, who(ew), ew.alpha.clients[0].id)
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")
    assert get(client, who(ew), 2**64).status_code == 404
    assert snapshot() == before


def test_workers_and_families_may_not_export(client, ew):
    before = snapshot()
    for who in (ew.alpha.worker_users[0], ew.alpha.family):
        r = get(client, who, ew.alpha.clients[0].id)
        assert (r.status_code, r.get_json()["error"]["code"]) == (403, "forbidden")
    assert snapshot() == before


@pytest.mark.parametrize("params, field", [
    ({"date_from": "2026-11-29", "date_to": "2026-11-23"}, "date_to"),
    ({"date_from": None}, "date_from"),
    ({"date_to": "2026-13-01"}, "date_to"),
    ({"date_from": "2024-11-23"}, "date_to"),
])
def test_bad_input_is_422_and_writes_nothing(client, ew, params, field):
    before = snapshot()
    query = {k: v for k, v in {**WEEK, **params}.items() if v is not None}
    r = client.get(url(ew.alpha.clients[0].id), query_string=query, headers=headers_for(ew.officer))
    assert r.status_code == 422
    assert field in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before
