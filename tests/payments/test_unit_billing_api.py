"""US unit billing through the API: service codes, authorisations, visit maintenance and what-if repricing.

Worked by hand under us-evv-15min (T1019 personal care: 15-minute units at 612 cents, CMS
8-minute rule, authorisation required) for a client whose care package carries T1019.
"""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.db_types import utcnow
from server.extensions import db
from server.payments.models import PaymentPeriod, ServiceAuthorisation, VisitMaintenance
from server.payments.periods import close_period
from tests.dbstate import count, snapshot
from tests.payments.db_helpers import package, setting, visit
from tests.payments.test_periods import officer
from tests.sessions import headers_for

NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


@pytest.fixture
def us(app):
    s = setting("Evv", "us-evv-15min")
    s.other = setting("Other")  # another council, another provider
    package(s.clients[0], 300, date(2026, 1, 1)).service_code = "T1019"
    w = s.workers[0]
    s.short = visit(s.clients[0], "2026-11-02 09:00", 60, (w, "2026-11-02 09:00", "2026-11-02 09:38"))
    s.long = visit(s.clients[0], "2026-11-03 09:00", 120, (w, "2026-11-03 09:00", "2026-11-03 11:00"))
    s.codeless = visit(s.clients[1], "2026-11-04 09:00", 30, (w, "2026-11-04 09:00", "2026-11-04 09:30"))
    s.old = visit(s.clients[0], "2026-08-03 09:00", 30, (w, "2026-08-03 09:00", "2026-08-03 09:30"))
    db.session.commit()
    return s


def post(client, user, url, body):
    return client.post(url, json=body, headers=headers_for(user))


def authorise(client, s, units=10):
    r = post(client, s.officer, "/api/v1/authorisations",
             {"client_id": s.clients[0].id, "service_code": "T1019", "units": units, **NOVEMBER})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def export(client, s) -> dict[int, dict]:
    r = client.get("/api/v1/exports/visits", query_string={**NOVEMBER, "format": "json"},
                   headers=headers_for(s.officer))
    assert r.status_code == 200
    return {row["visit_id"]: row for row in json.loads(r.data)["rows"] if row["row_kind"] == "visit"}


def test_lines_beyond_the_authorisation_are_flagged_unpaid_and_the_export_shows_what_is_left(client, us):
    # Prior authorisation (state Medicaid): 10 units for November. 38 minutes bill 3 units (8-minute
    # rule), leaving 7; the 2-hour visit's 8 units get the 7 left, the 8th is flagged and not paid.
    auth = authorise(client, us)
    rows = export(client, us)
    short, long = rows[us.short.id], rows[us.long.id]
    assert (short["service_code"], short["units"], short["amount_pence"]) == ("T1019", 3, 3 * 612)
    assert (short["authorisation_id"], short["authorised_units"], short["authorisation_remaining_units"]) == \
        (auth["id"], 10, 7)
    assert (long["units"], long["payable_minutes"], long["amount_pence"]) == (7, 105, 7 * 612)
    assert "over_authorisation" in long["flags"] and long["authorisation_remaining_units"] == 0
    codeless = rows[us.codeless.id]  # no code of its own, no package code: held for a coordinator
    assert (codeless["outcome"], codeless["held_reason"]) == ("held", "no_service_code")


def test_a_visit_takes_its_own_service_code_and_it_can_be_set_after_delivery(client, us):
    r = client.patch(f"/api/v1/visits/{us.codeless.id}", json={"service_code": "S5130"},
                     headers=headers_for(us.coordinator))
    assert r.status_code == 200 and r.get_json()["service_code"] == "S5130"
    assert export(client, us)[us.codeless.id]["held_reason"] is None  # now billed (no S5130 authorisation: flagged)
    assert "no_authorisation" in export(client, us)[us.codeless.id]["flags"]
    r = post(client, us.admin, f"/api/v1/clients/{us.clients[1].id}/care-packages",
             {"weekly_minutes": 120, "starts_on": "2026-12-01", "service_code": "S5130"})
    assert r.status_code == 201 and r.get_json()["service_code"] == "S5130"


def test_visit_payable_explains_the_units(client, us):
    authorise(client, us)
    r = client.get(f"/api/v1/visits/{us.long.id}/payable", headers=headers_for(us.coordinator))
    [line] = r.get_json()["lines"]
    assert [s["rule"] for s in line["steps"]][-4:] == ["units", "daily_limit", "authorisation", "rate"]
    assert (line["minutes"], line["amount_pence"]) == (105, 7 * 612)


def test_visit_maintenance_sets_bill_time_and_keeps_the_clock_times(client, us):
    # State Medicaid EVV visit maintenance: within 95 days, with a reason from the state's list.
    authorise(client, us)
    r = post(client, us.coordinator, f"/api/v1/visits/{us.short.id}/maintenance",
             {"worker_id": us.workers[0].id, "bill_start": "2026-11-02T09:00:00+00:00",
              "bill_end": "2026-11-02T10:00:00+00:00", "reason_code": "device_malfunction", "note": "phone froze"})
    assert r.status_code == 201, r.get_json()
    db.session.expire_all()
    [assignment] = us.short.assignments
    assert (assignment.checked_in_at.isoformat(), assignment.checked_out_at.isoformat()) == \
        ("2026-11-02T09:00:00+00:00", "2026-11-02T09:38:00+00:00")
    row = export(client, us)[us.short.id]
    assert (row["check_out"], row["bill_end"], row["bill_reason"]) == \
        ("2026-11-02T09:38:00+00:00", "2026-11-02T10:00:00+00:00", "device_malfunction")
    assert row["units"] == 4
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "visit.maintenance"))
    assert entry.details["check_out"] == "2026-11-02T09:38:00+00:00"
    listed = client.get(f"/api/v1/visits/{us.short.id}/maintenance", headers=headers_for(us.officer)).get_json()
    assert [m["reason_code"] for m in listed] == ["device_malfunction"]


@pytest.mark.parametrize("target, body, status, code", [
    ("old", {"reason_code": "device_malfunction"}, 422, "maintenance_window_closed"),
    ("short", {"reason_code": "felt_like_it"}, 422, "validation_error"),
    ("short", {"reason_code": "device_malfunction", "bill_end": "2026-11-02T08:00:00+00:00"}, 422, "validation_error"),
    ("short", {"reason_code": "device_malfunction", "worker_id": 0}, 422, "validation_error"),
])
def test_maintenance_refused_writes_nothing(client, us, target, body, status, code):
    before = snapshot()
    v = getattr(us, target)
    start = v.planned_start.isoformat()
    r = post(client, us.coordinator, f"/api/v1/visits/{v.id}/maintenance",
             {"worker_id": us.workers[0].id, "bill_start": start, "bill_end": "2026-11-02T10:00:00+00:00", **body})
    assert (r.status_code, r.get_json()["error"]["code"]) == (status, code)
    assert snapshot() == before


def test_maintenance_needs_a_rule_set_that_allows_it(client, us):
    other = visit(us.other.clients[0], "2026-11-02 09:00", 30,
                  (us.other.workers[0], "2026-11-02 09:00", "2026-11-02 09:30"))
    db.session.commit()
    before = snapshot()
    r = post(client, us.other.coordinator, f"/api/v1/visits/{other.id}/maintenance",
             {"worker_id": us.other.workers[0].id, "bill_start": "2026-11-02T09:00:00+00:00",
              "bill_end": "2026-11-02T10:00:00+00:00", "reason_code": "device_malfunction"})
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "maintenance_not_allowed")
    assert snapshot() == before


@pytest.mark.parametrize("body, field", [
    ({"units": 10, "minutes": 150}, "units"),
    ({}, "units"),
    ({"units": 10, "service_code": "G0156"}, "service_code"),
    ({"units": 10, "service_code": "T 1019"}, "service_code"),
    ({"units": 10, "date_to": "2026-10-01"}, "date_to"),
    ({"units": 0}, "units"),
])
def test_bad_authorisation_is_422_and_writes_nothing(client, us, body, field):
    before = snapshot()
    r = post(client, us.officer, "/api/v1/authorisations",
             {"client_id": us.clients[0].id, "service_code": "T1019", **NOVEMBER, **body})
    assert r.status_code == 422 and field in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_another_tenant_gets_not_found_and_nothing_is_written(client, us):
    authorise(client, us)
    period = close_period(officer(us), us.contract, date(2026, 11, 1), date(2026, 11, 30), utcnow())
    db.session.commit()
    before = snapshot()
    outsider, outsider_staff = us.other.officer, us.other.coordinator
    assert post(client, outsider, "/api/v1/authorisations",
                {"client_id": us.clients[0].id, "service_code": "T1019", "units": 5, **NOVEMBER}).status_code == 404
    assert client.get("/api/v1/authorisations", query_string={"client_id": us.clients[0].id},
                      headers=headers_for(outsider)).status_code == 404
    assert client.get("/api/v1/authorisations", headers=headers_for(outsider)).get_json() == []
    assert post(client, outsider_staff, f"/api/v1/visits/{us.short.id}/maintenance",
                {"worker_id": us.workers[0].id, "bill_start": "2026-11-02T09:00:00+00:00",
                 "bill_end": "2026-11-02T10:00:00+00:00", "reason_code": "device_malfunction"}).status_code == 404
    assert client.get(f"/api/v1/visits/{us.short.id}/maintenance", headers=headers_for(outsider)).status_code == 404
    r = client.get(f"/api/v1/periods/{period.id}/repricing", query_string={"rule_set": "actual-by-minute"},
                   headers=headers_for(outsider))
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")
    assert snapshot() == before


def test_repricing_a_closed_period_costs_the_change_and_changes_nothing(client, us):
    authorise(client, us)
    period = close_period(officer(us), us.contract, date(2026, 11, 1), date(2026, 11, 30), utcnow())
    db.session.commit()
    checksum = period.checksum
    before = snapshot()
    r = client.get(f"/api/v1/periods/{period.id}/repricing", query_string={"rule_set": "actual-by-minute"},
                   headers=headers_for(us.officer))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert snapshot() == before and db.session.get(PaymentPeriod, period.id).checksum == checksum
    # Under its own rule set: 3 + 7 units at 612 = 6120 cents, the same as the period paid.
    assert body["current"]["amount_pence"] == body["paid"]["amount_pence"] == 6120
    # Under actual-by-minute: 38 min and 120 min at 2500/h = 1583 + 5000; the codeless visit, held under
    # unit billing, is paid 30 min = 1250.
    assert body["repriced"]["amount_pence"] == 1583 + 5000 + 1250
    assert body["difference"] == {"payable_minutes": 38 + 120 + 30 - 150, "amount_pence": 7833 - 6120}
    [provider] = body["by_provider"]
    assert (provider["provider_id"], provider["difference_pence"]) == (us.provider.id, 7833 - 6120)
    by_client = {line["client_id"]: line for line in body["by_client"]}
    assert by_client[us.clients[0].id]["difference_pence"] == 6583 - 6120
    assert by_client[us.clients[1].id]["client_reference"] == us.clients[1].reference
    by_flag = {line["flag"]: line for line in body["by_flag"]}
    assert (by_flag["over_authorisation"]["current_pence"], by_flag["over_authorisation"]["repriced_pence"]) == \
        (7 * 612, 0)


def test_repricing_under_an_unknown_rule_set_is_422(client, us):
    period = close_period(officer(us), us.contract, date(2026, 11, 1), date(2026, 11, 30), utcnow())
    db.session.commit()
    for name in ("no-such-rules", "Bad Name"):
        r = client.get(f"/api/v1/periods/{period.id}/repricing", query_string={"rule_set": name},
                       headers=headers_for(us.officer))
        assert r.status_code == 422 and "rule_set" in r.get_json()["error"]["details"]["fields"]
    assert count(ServiceAuthorisation) == 0 and count(VisitMaintenance) == 0
