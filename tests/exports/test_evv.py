"""GET /exports/evv: the six EVV data elements per carer per visit, who may have them, and bad input."""
from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.exports.evv import COLUMNS
from server.exports.schemas import EvvRowSchema
from server.extensions import db
from tests.dbstate import snapshot
from tests.documented import assert_documented
from tests.factories import HOME
from tests.sessions import headers_for

WEEK = {"date_from": "2026-11-23", "date_to": "2026-11-29"}


def get(client, user, **params):
    return client.get("/api/v1/exports/evv", query_string={**WEEK, **params}, headers=headers_for(user))


def csv_rows(r) -> list[dict]:
    return list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))


def test_one_row_per_carer_who_checked_in_with_the_six_elements(client, ew):
    a = ew.alpha
    r = get(client, ew.officer, contract_id=a.contract.id)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == 'attachment; filename="caremon-evv-2026-11-23-2026-11-29.csv"'
    rows = csv_rows(r)
    assert [(row["visit_id"], row["worker_id"]) for row in rows] == [
        (str(a.visits[0].id), str(a.workers[0].id)), (str(a.visits[0].id), str(a.workers[1].id)),
        (str(a.visits[1].id), str(a.workers[1].id))]  # the visit nobody began has no row
    lead, second, entered = rows
    assert lead["service_type"] == second["service_type"] == "T1019"  # from the client's care package
    assert entered["service_type"] == "S5125"  # set on the visit itself
    assert (lead["client_reference"], lead["client_name"]) == ("REF-AlphaClient1", "AlphaClient1")
    assert (lead["worker_reference"], lead["worker_name"], second["worker_reference"]) == \
        ("EMP-17", "Alpha Worker 1", "")
    assert (lead["carer_position"], second["carer_position"]) == ("1", "2")
    # New York time: 09:02 UTC is 04:02 EST, the same local date.
    assert (lead["service_date"], lead["timezone"]) == ("2026-11-23", "America/New_York")
    assert (lead["start_utc"], lead["start_local"]) == ("2026-11-23T09:02:00+00:00", "2026-11-23T04:02:00-05:00")
    assert (lead["end_utc"], lead["end_local"]) == ("2026-11-23T09:33:00+00:00", "2026-11-23T04:33:00-05:00")
    assert (second["end_utc"], second["end_local"]) == ("", "")  # still checked in
    assert lead["location_address"] == "1 AlphaClient1 Street, Kendal"
    assert (float(lead["check_in_lat"]), float(lead["check_in_lon"]), lead["check_in_accuracy_m"]) == \
        (HOME[0], HOME[1], "12.0")
    assert float(lead["check_out_lat"]) == pytest.approx(HOME[0] + 0.0003)
    assert (lead["check_in_verification"], lead["check_out_verification"], lead["method"]) == \
        ("verified", "verified", "gps")
    assert (second["check_in_lat"], second["check_in_verification"], second["method"]) == ("", "none", "no_location")
    assert (entered["method"], entered["start_utc"], entered["check_in_lat"]) == \
        ("manual", "2026-11-23T09:05:00+00:00", "")
    assert {row["source_system"] for row in rows} == {""}  # Caremon's own app


def test_a_local_date_differs_from_the_utc_date(client, ew):
    """02:30 UTC on the 24th is 21:30 on the 23rd in New York: the date of service is the local one."""
    from datetime import timedelta

    from tests.exports.conftest import send_event

    a = ew.alpha
    visit = db.session.get(type(a.visits[0]), ew.planned_id)
    visit.planned_start = ew.start + timedelta(hours=17, minutes=30)  # 02:30 UTC on the 24th
    db.session.commit()
    send_event(client, a.worker_users[0], visit, "check_in", visit.planned_start, lat=HOME[0], lon=HOME[1],
               accuracy_m=5.0)
    (row,) = [row for row in csv_rows(get(client, a.admin)) if row["visit_id"] == str(visit.id)]
    assert (row["service_date"], row["start_local"]) == ("2026-11-23", "2026-11-23T21:30:00-05:00")


def test_json_is_the_documented_json_and_the_export_is_audited(app, client, ew):
    r = get(client, ew.alpha.admin, format="json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = json.loads(r.get_data())
    assert body["export"] == "evv" and body["contracts"] == [ew.alpha.contract.id]
    assert tuple(body["columns"]) == COLUMNS and len(body["rows"]) == 3
    assert body["rows"][0]["check_in_lat"] == HOME[0] and body["rows"][0]["carer_position"] == 1
    assert_documented(app, "GET", "/api/v1/exports/evv", r)
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "exports.evv"))
    assert (entry.user_id, entry.details["rows"], entry.details["format"]) == (ew.alpha.admin.id, 3, "json")
    assert entry.details["sha256"] == hashlib.sha256(r.get_data()).hexdigest()


def test_the_row_schema_documents_every_column():
    assert tuple(EvvRowSchema().fields) == COLUMNS


def test_a_council_officer_gets_every_contract_of_the_council(client, ew):
    rows = csv_rows(get(client, ew.officer))
    assert {row["contract_reference"] for row in rows} == {"N-A"}  # Beta delivered nothing yet
    assert csv_rows(get(client, ew.south_officer)) == []


def test_text_a_person_typed_is_not_a_formula_to_a_spreadsheet(client, ew):
    ew.alpha.clients[0].name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    assert csv_rows(get(client, ew.officer))[0]["client_name"].startswith("'=")


@pytest.mark.parametrize("who, params", [
    (lambda w: w.south_officer, lambda w: {"contract_id": w.alpha.contract.id}),
    (lambda w: w.south_officer, lambda w: {"provider_id": w.alpha.provider.id}),
    (lambda w: w.alpha.admin, lambda w: {"provider_id": w.beta.provider.id}),
    (lambda w: w.beta.admin, lambda w: {"contract_id": w.alpha.contract.id}),
    (lambda w: w.gamma.admin, lambda w: {"contract_id": w.alpha.contract.id}),
])
def test_another_tenants_contract_is_not_found_and_nothing_is_written(client, ew, who, params):
    before = snapshot()
    r = get(client, who(ew), **params(ew))
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")
    assert snapshot() == before


def test_workers_families_and_coordinators_may_not_export(client, ew):
    before = snapshot()
    for who in (ew.alpha.worker_users[0], ew.alpha.family, ew.alpha.coordinator):
        assert get(client, who).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("params, field", [
    ({"date_from": "2026-11-29", "date_to": "2026-11-23"}, "date_to"),
    ({"date_from": None}, "date_from"),
    ({"date_to": "29/11/2026"}, "date_to"),
    ({"format": "xlsx"}, "format"),
    ({"contract_id": "0"}, "contract_id"),
    ({"provider_id": "x"}, "provider_id"),
])
def test_bad_input_is_422_and_writes_nothing(client, ew, params, field):
    before = snapshot()
    query = {k: v for k, v in {**WEEK, **params}.items() if v is not None}
    r = client.get("/api/v1/exports/evv", query_string=query, headers=headers_for(ew.officer))
    assert r.status_code == 422
    assert field in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before
