"""The payments API over HTTP: who may use each endpoint, what it answers, bad input, and the audit trail."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.extensions import db
from server.payments.export import COLUMNS
from server.payments.models import ContingencyGrant, Invoice, PaymentPeriod
from server.payments.schemas import ExportRowSchema
from tests.dbstate import count, snapshot
from tests.documented import assert_documented
from tests.sessions import headers_for

WEEK = {"date_from": "2026-11-23", "date_to": "2026-11-29"}
CLOSABLE = {"date_from": "2026-11-01", "date_to": "2026-11-22"}


@pytest.fixture
def pw(world):
    """The factory world with Alpha's two visits delivered: 50 minutes (capped to 45) and 20 (the minimum 30)."""
    for v, minutes in zip(world.alpha.visits, (50, 20)):
        (a,) = v.assignments
        a.checked_in_at, a.checked_out_at = world.start, world.start + timedelta(minutes=minutes)
        v.status = "completed"
    (b,) = world.beta.visits[0].assignments
    b.checked_in_at, b.checked_out_at = world.start, world.start + timedelta(minutes=30)
    db.session.commit()
    return world


def get(client, user, url, **params):
    return client.get(url, query_string=params, headers=headers_for(user))


# --- GET /visits/<id>/payable -------------------------------------------------------------------------------

def test_visit_payable_explains_each_rule(client, pw):
    v = pw.alpha.visits[0]
    for who in (pw.alpha.coordinator, pw.alpha.admin, pw.officer):
        r = get(client, who, f"/api/v1/visits/{v.id}/payable")
        assert r.status_code == 200
        body = r.get_json()
        assert (body["rule_set"], body["minutes"], body["amount_pence"], body["held"]) == \
            ("actual-by-minute", 45, 1875, False)
        (line,) = body["lines"]
        assert [s["rule"] for s in line["steps"]] == ["actual", "access_time", "rounding", "tolerance", "cap",
                                                     "minimum", "rate"]
        assert [(s["before"], s["after"]) for s in line["steps"]][4] == (50, 45)
        assert (line["day_kind"], line["local_date"], line["multiplier"]) == ("weekday", "2026-11-23", "1")
        assert body["paid_in_closed_periods"] is None and body["period_rule"] is None


@pytest.mark.parametrize("who, status", [
    (lambda w: w.south_officer, 404), (lambda w: w.beta.coordinator, 404), (lambda w: w.gamma.admin, 404),
    (lambda w: w.alpha.worker_users[0], 403), (lambda w: w.alpha.family, 403),
])
def test_visit_payable_of_another_tenant(client, pw, who, status):
    before = snapshot()
    r = get(client, who(pw), f"/api/v1/visits/{pw.alpha.visits[0].id}/payable")
    assert r.status_code == status
    assert snapshot() == before


def test_visit_payable_unknown_ids(client, pw):
    assert get(client, pw.officer, "/api/v1/visits/999999/payable").status_code == 404
    assert get(client, pw.officer, f"/api/v1/visits/{2**63}/payable").status_code == 404


# --- GET /exports/visits --------------------------------------------------------------------------------------

def test_export_csv_is_audited_with_its_checksum(client, pw):
    r = get(client, pw.officer, "/api/v1/exports/visits", **WEEK)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == 'attachment; filename="caremon-payable-2026-11-23-2026-11-29.csv"'
    body = r.get_data()
    lines = list(csv.DictReader(io.StringIO(body.decode())))
    rows = [line for line in lines if line["row_kind"] != "total"]
    assert {line["contract_reference"] for line in rows} == {"N-A", "N-B"}  # Northshire's contracts, not Southvale's
    assert [line["payable_minutes"] for line in rows if line["contract_reference"] == "N-A"] == ["45", "30"]
    assert lines[-1]["row_kind"] == "total" and lines[-1]["payable_minutes"] == str(45 + 30 + 30)
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "payments.export"))
    assert entry.user_id == pw.officer.id
    assert entry.details["sha256"] == hashlib.sha256(body).hexdigest()
    assert (entry.details["rows"], entry.details["bytes"], entry.details["format"]) == (len(rows), len(body), "csv")
    assert (entry.details["date_from"], entry.details["date_to"]) == ("2026-11-23", "2026-11-29")
    assert entry.details["complete"] is True


def test_a_download_cut_short_is_audited_as_incomplete(client, pw):
    r = client.get("/api/v1/exports/visits", query_string=WEEK, headers=headers_for(pw.officer), buffered=False)
    # Before a byte is read the export is already on the record, should the process die mid-stream.
    (opened,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "payments.export_started"))
    assert (opened.user_id, opened.details["date_from"], opened.details["format"]) == (
        pw.officer.id, "2026-11-23", "csv")
    assert not db.session.scalars(select(AuditEntry).where(AuditEntry.action == "payments.export")).all()
    first = next(iter(r.response))
    assert first.startswith(b"row_kind,")
    r.close()
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "payments.export"))
    assert entry.details["complete"] is False and entry.details["bytes"] == len(first)
    assert entry.details["started_entry_id"] == opened.id


def test_export_for_one_provider_as_xlsx_and_json(client, pw):
    r = get(client, pw.officer, "/api/v1/exports/visits", **WEEK, provider_id=pw.alpha.provider.id, format="xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    sheet = list(openpyxl.load_workbook(io.BytesIO(r.get_data()), read_only=True)["Rows"].iter_rows(values_only=True))
    assert len(sheet) == 3 and {row[2] for row in sheet[1:]} == {"N-A"}
    r = get(client, pw.alpha.admin, "/api/v1/exports/visits", **WEEK, format="json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    data = json.loads(r.get_data())
    assert data["contracts"] == [pw.alpha.contract.id] and data["totals"]["payable_minutes"] == 75
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "payments.export")
                                 .order_by(AuditEntry.id)).all()
    assert [e.details["format"] for e in entries] == ["xlsx", "json"]
    assert entries[1].details["sha256"] == hashlib.sha256(r.get_data()).hexdigest()


def test_json_export_is_the_documented_json(app, client, pw):
    """Every kind of row, money as whole pence (numbers) and pounds (text), as the document says."""
    v = pw.alpha.visits[0]
    closed = client.post("/api/v1/periods", json={"contract_id": pw.alpha.contract.id, "date_from": "2026-11-16",
                                                  "date_to": "2026-11-22"}, headers=headers_for(pw.officer))
    v.planned_start = pw.start - timedelta(days=1)
    activity = {"idempotency_key": "6f1c2b0e-58c4-4a53-9d9e-3d5b1d0e7a11", "category": "liaising_family",
                "minutes": 20, "occurred_at": "2026-11-24T14:00:00+00:00"}
    made = client.post(f"/api/v1/clients/{pw.alpha.clients[0].id}/activities", json=activity,
                       headers=headers_for(pw.alpha.worker_users[0]))
    db.session.commit()
    assert (closed.status_code, made.status_code) == (201, 201)
    r = get(client, pw.officer, "/api/v1/exports/visits", **WEEK, contract_id=pw.alpha.contract.id, format="json")
    data = json.loads(r.get_data())
    assert {row["row_kind"] for row in data["rows"]} == {"visit", "non_contact", "adjustment"}
    assert all(isinstance(row["amount_pence"], int) and row["amount"] == f"{row['amount_pence'] / 100:.2f}"
               for row in data["rows"])
    assert_documented(app, "GET", "/api/v1/exports/visits", r)


def test_export_documents_each_format_with_its_media_type(client):
    answer = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/exports/visits"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Export"}
    assert set(answer["content"]) == {"application/json", "text/csv",
                                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def test_export_row_schema_has_every_column():
    assert tuple(ExportRowSchema().fields) == COLUMNS


@pytest.mark.parametrize("who, params", [
    (lambda w: w.south_officer, lambda w: {"contract_id": w.alpha.contract.id}),
    (lambda w: w.south_officer, lambda w: {"provider_id": w.alpha.provider.id}),
    (lambda w: w.alpha.admin, lambda w: {"provider_id": w.beta.provider.id}),
    (lambda w: w.alpha.admin, lambda w: {"contract_id": w.gamma.contract.id}),
])
def test_export_of_another_tenants_contracts_is_not_found(client, pw, who, params):
    before = snapshot()
    r = get(client, who(pw), "/api/v1/exports/visits", **WEEK, **params(pw))
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")
    assert snapshot() == before


def test_export_is_not_for_workers_families_or_coordinators(client, pw):
    for who in (pw.alpha.worker_users[0], pw.alpha.family, pw.alpha.coordinator):
        assert get(client, who, "/api/v1/exports/visits", **WEEK).status_code == 403


@pytest.mark.parametrize("params, field", [
    ({"date_from": "2026-11-29", "date_to": "2026-11-23"}, "date_to"),
    ({"date_from": None}, "date_from"),
    ({"date_to": "29/11/2026"}, "date_to"),
    ({"date_from": "2025-11-23"}, "date_to"),
    ({"format": "pdf"}, "format"),
    ({"contract_id": "0"}, "contract_id"),
    ({"provider_id": "x"}, "provider_id"),
])
def test_export_bad_input_is_422_and_writes_nothing(client, pw, params, field):
    before = snapshot()
    query = {k: v for k, v in {**WEEK, **params}.items() if v is not None}
    r = client.get("/api/v1/exports/visits", query_string=query, headers=headers_for(pw.officer))
    assert r.status_code == 422
    assert field in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_a_broken_rule_set_is_refused_before_streaming(client, pw):
    pw.alpha.contract.payment_rule_set = "no-such-rules"
    db.session.commit()
    r = get(client, pw.officer, "/api/v1/exports/visits", **WEEK)
    assert (r.status_code, r.get_json()["error"]["code"]) == (500, "payment_rules_invalid")
    assert "no-such-rules.toml" in r.get_json()["error"]["message"]


# --- POST/GET /periods ----------------------------------------------------------------------------------------

def test_close_a_period_and_list_it(client, pw):
    r = client.post("/api/v1/periods", json={"contract_id": pw.alpha.contract.id, **CLOSABLE},
                    headers=headers_for(pw.officer))
    assert r.status_code == 201
    body = r.get_json()
    assert (body["status"], body["rows"], body["date_to"], body["rule_set"]) == ("closed", 0, "2026-11-22",
                                                                                 "actual-by-minute")
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "payment_period")) == \
        "payments.close_period"
    listed = get(client, pw.alpha.admin, "/api/v1/periods").get_json()
    assert [p["id"] for p in listed] == [body["id"]]
    assert get(client, pw.gamma.admin, "/api/v1/periods").get_json() == []
    again = client.post("/api/v1/periods", json={"contract_id": pw.alpha.contract.id, **CLOSABLE},
                        headers=headers_for(pw.officer))
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "period_overlap")


def test_close_another_councils_contract_is_not_found(client, pw):
    before = snapshot()
    r = client.post("/api/v1/periods", json={"contract_id": pw.alpha.contract.id, **CLOSABLE},
                    headers=headers_for(pw.south_officer))
    assert r.status_code == 404
    assert get(client, pw.south_officer, "/api/v1/periods", contract_id=pw.alpha.contract.id).status_code == 404
    assert client.post("/api/v1/periods", json={"contract_id": pw.alpha.contract.id, **CLOSABLE},
                       headers=headers_for(pw.alpha.admin)).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("body, field", [
    ({"date_from": "2026-11-22", "date_to": "2026-11-01"}, "date_to"),
    ({"contract_id": None}, "contract_id"),
    ({"contract_id": "1"}, "contract_id"),
    ({"date_from": "yesterday"}, "date_from"),
    ({"date_to": "2099-01-01", "date_from": "2098-12-01"}, "date_to"),  # has not ended
    ({"extra": 1}, "extra"),
])
def test_close_bad_input_is_422_and_writes_nothing(client, pw, body, field):
    before = snapshot()
    payload = {k: v for k, v in {"contract_id": pw.alpha.contract.id, **CLOSABLE, **body}.items() if v is not None}
    r = client.post("/api/v1/periods", json=payload, headers=headers_for(pw.officer))
    assert r.status_code == 422
    assert field in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before and count(PaymentPeriod) == 0


def test_visit_payable_shows_what_closed_periods_paid(client, pw):
    v = pw.alpha.visits[0]
    period = client.post("/api/v1/periods", json={"contract_id": pw.alpha.contract.id, "date_from": "2026-11-16",
                                                  "date_to": "2026-11-22"}, headers=headers_for(pw.officer))
    assert period.status_code == 201
    v.planned_start = pw.start - timedelta(days=1)  # into the closed week (a Sunday)
    db.session.commit()
    r = get(client, pw.officer, "/api/v1/exports/visits", **WEEK, contract_id=pw.alpha.contract.id)
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [(row["row_kind"], row["visit_id"], row["payable_minutes"]) for row in rows][-2] == \
        ("adjustment", str(v.id), "45")
    body = get(client, pw.officer, f"/api/v1/visits/{v.id}/payable").get_json()
    assert body["paid_in_closed_periods"] is None  # not yet: the adjustment is paid when the next period closes


# --- POST /contingency ----------------------------------------------------------------------------------------

def test_grant_contingency_on_a_flex_contract(client, pw):
    pw.alpha.contract.payment_rule_set = "flex-4-week"
    db.session.commit()
    r = client.post("/api/v1/contingency", json={"client_id": pw.alpha.clients[0].id, "on_date": "2026-11-20",
                                                 "minutes": 90, "reason": "discharge from hospital"},
                    headers=headers_for(pw.officer))
    assert r.status_code == 201
    body = r.get_json()
    assert (body["minutes"], body["block_from"], body["block_to"]) == (90, "2026-11-16", "2026-12-13")
    assert count(ContingencyGrant) == 1


def test_contingency_for_another_councils_client_is_not_found(client, pw):
    before = snapshot()
    r = client.post("/api/v1/contingency", json={"client_id": pw.gamma.clients[0].id, "on_date": "2026-11-20",
                                                 "minutes": 90, "reason": "x"}, headers=headers_for(pw.officer))
    assert r.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("change, field", [
    ({"minutes": 0}, "minutes"),
    ({"minutes": "90"}, "minutes"),
    ({"on_date": "20/11/2026"}, "on_date"),
    ({"reason": ""}, "reason"),
    ({"reason": "snow\u0000"}, "reason"),
    ({"client_id": None}, "client_id"),
    ({}, "client_id"),  # the contract pays actual-by-minute: there is no flexible total to extend
])
def test_contingency_bad_input_is_422_and_writes_nothing(client, pw, change, field):
    before = snapshot()
    body = {"client_id": pw.alpha.clients[0].id, "on_date": "2026-11-20", "minutes": 90, "reason": "x", **change}
    r = client.post("/api/v1/contingency", json={k: v for k, v in body.items() if v is not None},
                    headers=headers_for(pw.officer))
    assert r.status_code == 422
    assert field in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


# --- POST/GET /invoices, GET /invoices/<id>/reconciliation ----------------------------------------------------

def invoice_csv(w) -> str:
    a, b = w.alpha.visits
    return ("visit_id,date,minutes,amount\n"
            f"{a.id},2026-11-23,45,18.75\n"
            f"{b.id},2026-11-23,45,18.75\n")


def upload(client, user, w, body: str | bytes, contract=None, **params):
    query = {"contract_id": (contract or w.alpha.contract).id, **WEEK, **params}
    return client.post("/api/v1/invoices", query_string=query, data=body, content_type="text/csv",
                       headers=headers_for(user))


def test_upload_an_invoice_and_reconcile_it(client, pw):
    r = upload(client, pw.alpha.admin, pw, invoice_csv(pw), reference="INV-0042")
    assert r.status_code == 201
    invoice = r.get_json()
    assert (invoice["lines"], invoice["minutes"], invoice["amount_pence"], invoice["reference"]) == (2, 90, 3750,
                                                                                                     "INV-0042")
    for who in (pw.officer, pw.alpha.admin):
        report = get(client, who, f"/api/v1/invoices/{invoice['id']}/reconciliation").get_json()
        assert [e["visit_id"] for e in report["matched"]] == [pw.alpha.visits[0].id]
        assert [(e["visit_id"], e["difference_minutes"], e["difference_amount_pence"]) for e in report["mismatched"]] \
            == [(pw.alpha.visits[1].id, 15, 625)]
        assert report["summary"]["invoiced"] == {"lines": 2, "minutes": 90, "amount_pence": 3750}
    listed = get(client, pw.officer, "/api/v1/invoices", contract_id=pw.alpha.contract.id).get_json()
    assert [i["id"] for i in listed] == [invoice["id"]]
    audited = db.session.scalar(select(AuditEntry.details).where(AuditEntry.action == "payments.invoice_upload"))
    assert audited["sha256"] == hashlib.sha256(invoice_csv(pw).encode()).hexdigest()


def test_upload_as_a_multipart_file(client, pw):
    r = client.post("/api/v1/invoices", query_string={"contract_id": pw.alpha.contract.id, **WEEK},
                    data={"file": (io.BytesIO(invoice_csv(pw).encode()), "november.csv")},
                    content_type="multipart/form-data", headers=headers_for(pw.alpha.admin))
    assert r.status_code == 201 and r.get_json()["filename"] == "november.csv"


def test_a_file_name_with_a_nul_is_refused(client, pw):
    before = snapshot()
    r = client.post("/api/v1/invoices", query_string={"contract_id": pw.alpha.contract.id, **WEEK},
                    data={"file": (io.BytesIO(invoice_csv(pw).encode()), "nov\u0000.csv")},
                    content_type="multipart/form-data", headers=headers_for(pw.alpha.admin))
    assert r.status_code == 422 and "file" in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_invoices_of_another_tenant_are_not_found(client, pw):
    before = snapshot()
    assert upload(client, pw.beta.admin, pw, invoice_csv(pw)).status_code == 404
    assert upload(client, pw.alpha.admin, pw, invoice_csv(pw), contract=pw.gamma.contract).status_code == 404
    # The council's officer may upload an invoice sent to them (tests/payments/test_period_desk.py); another
    # council's may not see the contract, and a coordinator never uploads.
    assert upload(client, pw.south_officer, pw, invoice_csv(pw)).status_code == 404
    assert upload(client, pw.alpha.coordinator, pw, invoice_csv(pw)).status_code == 403
    assert get(client, pw.beta.admin, "/api/v1/invoices", contract_id=pw.alpha.contract.id).status_code == 404
    assert snapshot() == before
    invoice_id = upload(client, pw.alpha.admin, pw, invoice_csv(pw)).get_json()["id"]
    for who in (pw.south_officer, pw.beta.admin, pw.gamma.admin):
        r = get(client, who, f"/api/v1/invoices/{invoice_id}/reconciliation")
        assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")
    assert get(client, pw.south_officer, "/api/v1/invoices").get_json() == []
    assert get(client, pw.officer, "/api/v1/invoices/999999/reconciliation").status_code == 404


@pytest.mark.parametrize("body, params, field", [
    ("visit_id,date,minutes,amount\n1,2026-11-23,thirty,12.50\n", {}, "file"),
    ("minutes,amount\n30,12.50\n", {}, "file"),
    ("", {}, "file"),
    (None, {"date_to": "2026-11-01"}, "date_to"),
    (None, {"contract_id": "x"}, "contract_id"),
    (None, {"reference": ""}, "reference"),
    (None, {"reference": "INV\u00001"}, "reference"),
    ("visit_id,date,minutes,amount,description\n1,2026-11-23,30,12.50,Tea\u0000\n", {}, "file"),
])
def test_invoice_bad_input_is_422_and_writes_nothing(client, pw, body, params, field):
    before = snapshot()
    r = upload(client, pw.alpha.admin, pw, invoice_csv(pw) if body is None else body, **params)
    assert r.status_code == 422
    assert field in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before and count(Invoice) == 0


def test_invoice_upload_needs_csv_or_a_file(client, pw):
    before = snapshot()
    r = client.post("/api/v1/invoices", query_string={"contract_id": pw.alpha.contract.id, **WEEK},
                    json={"lines": []}, headers=headers_for(pw.alpha.admin))
    assert r.status_code == 415
    r = client.post("/api/v1/invoices", query_string={"contract_id": pw.alpha.contract.id, **WEEK},
                    data={"other": "x"}, content_type="multipart/form-data", headers=headers_for(pw.alpha.admin))
    assert r.status_code == 422 and "file" in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_every_payments_route_is_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, method in [("/api/v1/visits/{visit_id}/payable", "get"), ("/api/v1/exports/visits", "get"),
                         ("/api/v1/periods", "post"), ("/api/v1/periods", "get"), ("/api/v1/contingency", "post"),
                         ("/api/v1/invoices", "post"), ("/api/v1/invoices", "get"),
                         ("/api/v1/invoices/{invoice_id}/reconciliation", "get")]:
        assert method in spec["paths"][path]
    assert "text/csv" in spec["paths"]["/api/v1/invoices"]["post"]["requestBody"]["content"]
