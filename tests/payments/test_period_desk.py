"""The council officer's desk: uploading a provider's invoice, a closed period's adjustments, and the period to
close next."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from server.extensions import db
from server.payments.models import Invoice, InvoiceLine
from server.payments.periods import next_period
from tests.dbstate import count, snapshot
from tests.factories import visit_for
from tests.sessions import headers_for

CSV = ("visit_id,client_reference,date,minutes,amount\n{visit},,2026-11-23,45,18.75\n"
       ",REF-AlphaClient2,2026-11-23,30,13.00\n")


@pytest.fixture
def pw(world):
    """Alpha's two visits delivered on 23 November: 50 minutes (capped to 45) and 20 (the minimum 30)."""
    for v, minutes in zip(world.alpha.visits, (50, 20)):
        (a,) = v.assignments
        a.checked_in_at, a.checked_out_at = world.start, world.start + timedelta(minutes=minutes)
        v.status = "completed"
    db.session.commit()
    return world


def upload(client, who, contract, body, content_type="text/csv"):
    return client.post("/api/v1/invoices", query_string={"contract_id": contract.id, "date_from": "2026-11-23",
                                                          "date_to": "2026-11-29", "reference": "INV-7"},
                       data=body, content_type=content_type, headers=headers_for(who))


@pytest.mark.parametrize("content_type", ["text/csv", "application/vnd.ms-excel"])
def test_officer_uploads_an_invoice_and_reads_it_line_by_line(client, pw, content_type):
    body = CSV.format(visit=pw.alpha.visits[0].id)
    r = upload(client, pw.officer, pw.alpha.contract, body, content_type)
    assert r.status_code == 201, r.get_json()
    invoice = r.get_json()
    assert (invoice["lines"], invoice["minutes"], invoice["amount_pence"]) == (2, 75, 3175)
    rec = client.get(f"/api/v1/invoices/{invoice['id']}/reconciliation", headers=headers_for(pw.officer)).get_json()
    assert [e["invoice_lines"] for e in rec["matched"]] == [[2]]
    assert [(e["invoice_lines"], e["differences"]) for e in rec["mismatched"]] == [([3], ["amount"])]
    assert client.get(f"/api/v1/invoices/{invoice['id']}/reconciliation",
                      headers=headers_for(pw.south_officer)).status_code == 404


def test_another_councils_officer_cannot_upload_or_read(client, pw):
    before = snapshot()
    r = upload(client, pw.south_officer, pw.alpha.contract, CSV.format(visit=pw.alpha.visits[0].id))
    assert r.status_code == 404
    assert snapshot() == before
    assert client.get("/api/v1/invoices", query_string={"contract_id": pw.alpha.contract.id},
                      headers=headers_for(pw.south_officer)).status_code == 404


def test_a_bad_invoice_names_the_line_and_stores_nothing(client, pw):
    before = snapshot()
    r = upload(client, pw.officer, pw.alpha.contract, "visit_id,date,minutes,amount\n1,23-11-2026,30,12.50\n")
    assert r.status_code == 422
    assert any("line 2" in m for m in r.get_json()["error"]["details"]["fields"]["file"])
    assert snapshot() == before and count(Invoice) == count(InvoiceLine) == 0


def test_a_period_shows_corrections_pending_then_paid_by_the_next(client, pw):
    a = pw.alpha
    visit = a.visits[0]
    day_before = pw.start - timedelta(days=1)  # 22 November, inside the first period
    visit.planned_start = day_before
    carer = visit.assignments[0]
    carer.checked_in_at, carer.checked_out_at = day_before, day_before + timedelta(minutes=40)
    db.session.commit()
    first = client.post("/api/v1/periods", json={"contract_id": a.contract.id, "date_from": "2026-11-16",
                                                 "date_to": "2026-11-22"}, headers=headers_for(pw.officer)).get_json()
    url = f"/api/v1/periods/{first['id']}/adjustments"
    quiet = client.get(url, headers=headers_for(pw.officer)).get_json()
    assert (quiet["carried"], quiet["later"], quiet["pending"]) == ([], [], [])

    r = client.post(f"/api/v1/visits/{visit.id}/corrections", headers=headers_for(a.coordinator), json={
        "worker_id": a.workers[0].id, "check_in_at": day_before.isoformat(),
        "check_out_at": (day_before + timedelta(minutes=30)).isoformat(), "reason_code": "no_signal"})
    assert r.status_code == 201, r.get_json()
    [pending] = client.get(url, headers=headers_for(pw.officer)).get_json()["pending"]
    assert (pending["visit_id"], pending["payable_minutes"], pending["adjusts_period_id"]) == (
        visit.id, -10, first["id"])

    second = client.post("/api/v1/periods", json={"contract_id": a.contract.id, "date_from": "2026-11-23",
                                                  "date_to": "2026-11-29"}, headers=headers_for(pw.officer)).get_json()
    after = client.get(url, headers=headers_for(pw.officer)).get_json()
    assert after["pending"] == [] and [row["payable_minutes"] for row in after["later"]] == [-10]
    carried = client.get(f"/api/v1/periods/{second['id']}/adjustments", headers=headers_for(a.coordinator)).get_json()
    assert [row["adjusts_period_id"] for row in carried["carried"]] == [first["id"]]
    assert client.get(url, headers=headers_for(pw.south_officer)).status_code == 404
    assert client.get(url, headers=headers_for(pw.beta.coordinator)).status_code == 404


def test_next_period_starts_at_the_first_visit_then_after_the_last_close(app, pw):
    contract = pw.alpha.contract
    now = datetime(2026, 12, 10, 12, 0, tzinfo=timezone.utc)
    first = next_period(contract, now)
    # Not an empty stretch before any care was given: from the first visit to the end of its month.
    assert (first["date_from"], first["date_to"], first["closable"], first["visits"]) == (
        date(2026, 11, 23), date(2026, 11, 30), True, 2)
    early_visit = visit_for(pw.alpha.clients[0], datetime(2026, 10, 30, 9, 0, tzinfo=timezone.utc))
    db.session.commit()
    assert next_period(contract, now)["date_from"] == date(2026, 10, 30)
    db.session.delete(early_visit)
    db.session.commit()


def test_next_period_runs_to_yesterday_and_waits_when_closed_up_to_it(client, pw):
    contract = pw.alpha.contract
    r = client.post("/api/v1/periods", json={"contract_id": contract.id, "date_from": "2026-11-23",
                                             "date_to": "2026-11-30"}, headers=headers_for(pw.officer))
    assert r.status_code == 201, r.get_json()
    mid_month = next_period(contract, datetime(2026, 12, 10, 12, 0, tzinfo=timezone.utc))
    assert (mid_month["date_from"], mid_month["date_to"], mid_month["closable"], mid_month["closed_to"]) == (
        date(2026, 12, 1), date(2026, 12, 9), True, date(2026, 11, 30))
    waiting = next_period(contract, datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc))
    assert (waiting["date_from"], waiting["closable"]) == (date(2026, 12, 1), False)
    answer = client.get(f"/api/v1/contracts/{contract.id}/next-period", headers=headers_for(pw.officer)).get_json()
    assert answer["date_from"] == "2026-12-01"
