"""Payable time v2 over HTTP: a council's calendar and currency, overrun approved in minutes, frustrated
visits from recorded evidence, and double-ups paid per booking in the export.

Alpha's visits start Monday 23 November 2026 at 09:00 (GMT), planned 30 minutes, one carer each.
"""
from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pytest

from server.directory.models import Council
from server.extensions import db
from server.visits.models import VisitAssignment, VisitCorrection
from tests.dbstate import count, snapshot
from tests.factories import HOME, add
from tests.sessions import headers_for


def payable(client, world, visit) -> dict:
    r = client.get(f"/api/v1/visits/{visit.id}/payable", headers=headers_for(world.officer))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def deliver(world, visit, minutes: int, worker_index: int = 0):
    assignment = next(a for a in visit.assignments if a.worker_id == world.alpha.workers[worker_index].id)
    assignment.checked_in_at = world.start
    assignment.checked_out_at = world.start + timedelta(minutes=minutes)
    visit.status = "completed"
    db.session.commit()


def settings(client, world, **body):
    return client.patch(f"/api/v1/councils/{world.north.id}", json=body, headers=headers_for(world.officer))


def test_an_officer_sets_the_holiday_calendar_declared_days_and_currency(client, world):
    r = client.get(f"/api/v1/councils/{world.north.id}", headers=headers_for(world.officer))
    assert r.get_json() == {"id": world.north.id, "name": "Northshire", "timezone": "Europe/London",
                            "holiday_calendar": "GB-ENG", "extra_holidays": [], "currency": "GBP", "minor_unit": 2}
    visit = world.alpha.visits[0]
    deliver(world, visit, 50)
    assert payable(client, world, visit)["amount_pence"] == 1875  # 45 (capped) x 2500 / 60, a weekday

    r = settings(client, world, holiday_calendar="GB-SCT", currency="GBP",
                 extra_holidays=[{"date": "2026-11-23", "name": "County Day"}])
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["extra_holidays"] == [{"date": "2026-11-23", "name": "County Day"}]
    body = payable(client, world, visit)
    [line] = body["lines"]
    # the declared day takes the bank-holiday rate: 45 x 2500 x 1.5 / 60 = 2812.5 -> 2813
    assert (line["day_kind"], line["day_name"], body["amount_pence"]) == ("bank_holiday", "County Day", 2813)
    assert (body["currency"], body["minor_unit"]) == ("GBP", 2)


def test_scotland_pays_st_andrews_day_and_england_does_not(client, world):
    visit = world.alpha.visits[0]
    visit.planned_start = world.start + timedelta(days=7)  # Monday 30 November 2026, St Andrew's Day
    db.session.commit()
    world.start += timedelta(days=7)
    deliver(world, visit, 30)
    assert payable(client, world, visit)["lines"][0]["day_kind"] == "weekday"
    settings(client, world, holiday_calendar="GB-SCT")
    line = payable(client, world, visit)["lines"][0]
    assert (line["day_kind"], line["day_name"]) == ("bank_holiday", "Saint Andrew's Day")


@pytest.mark.parametrize("body, field", [
    ({"holiday_calendar": "FR"}, "holiday_calendar"),
    ({"holiday_calendar": "US-ZZ"}, "holiday_calendar"),
    ({"currency": "gbp"}, "currency"),
    ({"minor_unit": 9}, "minor_unit"),
    ({"minor_unit": "2"}, "minor_unit"),
    ({"extra_holidays": [{"date": "2026-13-01", "name": "Nope"}]}, "extra_holidays"),
    ({"extra_holidays": [{"date": "2026-12-01", "name": "A"}, {"date": "2026-12-01", "name": "B"}]}, "extra_holidays"),
    ({"name": "Renamed"}, "name"),
])
def test_bad_council_settings_are_422_and_write_nothing(client, world, body, field):
    before = snapshot()
    r = settings(client, world, **body)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == "validation_error" and field in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_a_us_council_uses_federal_and_state_holidays(client, world):
    r = settings(client, world, holiday_calendar="US-CA", currency="USD", minor_unit=2)
    assert r.status_code == 200, r.get_json()
    council = db.session.get(Council, world.north.id)
    assert (council.holiday_calendar, council.currency) == ("US-CA", "USD")


def correct(client, world, visit, minutes: int, **approval):
    return client.post(f"/api/v1/visits/{visit.id}/corrections", headers=headers_for(world.alpha.coordinator), json={
        "worker_id": world.alpha.workers[0].id, "check_in_at": world.start.isoformat(),
        "check_out_at": (world.start + timedelta(minutes=minutes)).isoformat(), "reason_code": "forgot_to_log",
        **approval})


def test_overrun_approved_in_minutes_moves_the_cap(client, world):
    visit = world.alpha.visits[0]
    r = correct(client, world, visit, 70, approve_overrun_minutes=10)
    assert r.status_code == 201 and r.get_json()["approve_overrun_minutes"] == 10
    # cap 30 + 15 + 10 = 55: 55 x 2500 / 60 = 2291.67 -> 2292
    assert (payable(client, world, visit)["minutes"], payable(client, world, visit)["amount_pence"]) == (55, 2292)
    assignment = db.session.get(VisitAssignment, visit.assignments[0].id)
    assert assignment.overrun_approved_minutes == 10
    # yes/no still works: the whole 70 minutes
    assert correct(client, world, visit, 70, approve_overrun=True).status_code == 201
    assert payable(client, world, visit)["minutes"] == 70


def test_overrun_approval_both_ways_at_once_is_refused(client, world):
    before = count(VisitCorrection)
    r = correct(client, world, world.alpha.visits[0], 70, approve_overrun=True, approve_overrun_minutes=10)
    assert r.status_code == 422 and "approve_overrun_minutes" in r.get_json()["error"]["details"]["fields"]
    r = correct(client, world, world.alpha.visits[0], 70, approve_overrun_minutes=0)
    assert r.status_code == 422
    assert count(VisitCorrection) == before


def arrive(client, world, visit):
    r = client.post(f"/api/v1/visits/{visit.id}/events", headers=headers_for(world.alpha.worker_users[0]), json={
        "idempotency_key": str(uuid.uuid4()), "kind": "arrival", "device_time": world.start.isoformat(),
        "lat": HOME[0], "lon": HOME[1], "accuracy_m": 10.0})
    assert r.status_code in (200, 201), r.get_json()


def test_a_frustrated_visit_is_paid_from_the_recorded_arrival_and_reason(client, world):
    world.alpha.contract.payment_rule_set = "unsociable-hours"
    visit = world.alpha.visits[0]
    db.session.commit()
    arrive(client, world, visit)
    assert db.session.get(VisitAssignment, visit.assignments[0].id).arrival_geofence == "verified"
    visit.status = "missed"
    visit.reasons = [{"about": "missed", "code": "no_access", "note": "Key safe code changed"}]
    db.session.commit()
    [line] = payable(client, world, visit)["lines"]
    # the planned 30 at 2400 an hour = 1200
    assert (line["outcome"], line["minutes"], line["amount_pence"]) == ("paid", 30, 1200)
    assert line["steps"][0]["rule"] == "frustrated"
    rows = export_rows(client, world)
    assert [(r["visit_id"], r["outcome"], r["amount_pence"]) for r in rows if r["visit_id"] == str(visit.id)] == [
        (str(visit.id), "paid", "1200")]


def export_rows(client, world) -> list[dict]:
    r = client.get("/api/v1/exports/visits", headers=headers_for(world.officer), query_string={
        "date_from": "2026-11-23", "date_to": "2026-11-23", "format": "csv", "contract_id": world.alpha.contract.id})
    assert r.status_code == 200
    return [row for row in csv.DictReader(io.StringIO(r.get_data(as_text=True))) if row["row_kind"] == "visit"]


def test_the_export_pays_a_double_up_per_booking_like_the_payable(client, world):
    world.alpha.contract.payment_rule_set = "unsociable-hours"
    visit = world.alpha.visits[0]
    visit.planned_minutes, visit.carers_required = 60, 2
    add(VisitAssignment(visit_id=visit.id, worker_id=world.alpha.workers[1].id, position=2))
    db.session.commit()
    deliver(world, visit, 40, 0)
    deliver(world, visit, 50, 1)
    # average of 40 and 50 = 45 each at 2400 an hour = 1800 each
    assert [(line["minutes"], line["amount_pence"]) for line in payable(client, world, visit)["lines"]] == [
        (45, 1800), (45, 1800)]
    rows = [r for r in export_rows(client, world) if r["visit_id"] == str(visit.id)]
    assert [(r["payable_minutes"], r["amount_pence"]) for r in rows] == [("45", "1800"), ("45", "1800")]
