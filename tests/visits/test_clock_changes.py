"""Visits on the nights the clocks change in Europe/London, through the API.

29 March 2026: 01:00 GMT becomes 02:00 BST (a 23-hour local day).
25 October 2026: 02:00 BST becomes 01:00 GMT (a 25-hour local day, 01:00-02:00 twice).
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from server.extensions import db
from tests.factories import HOME, visit_for
from tests.sessions import headers_for

UTC = timezone.utc


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def plan(client, world, planned_start: str) -> dict:
    a = world.alpha
    r = client.post("/api/v1/visits", headers=headers_for(a.coordinator), json={
        "client_id": a.clients[0].id, "planned_start": planned_start, "planned_minutes": 30,
        "worker_ids": [a.workers[0].id]})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def check_in(client, world, visit_id: int, device_time: str) -> dict:
    r = client.post(f"/api/v1/visits/{visit_id}/events", headers=headers_for(world.alpha.worker_users[0]), json={
        "idempotency_key": str(uuid.uuid4()), "kind": "check_in", "device_time": device_time,
        "lat": HOME[0], "lon": HOME[1], "accuracy_m": 8.0})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["visit"]


def test_first_0130_on_25_october_checked_in_at_0110_gmt_is_40_minutes_late(client, world):
    visit = plan(client, world, "2026-10-25T01:30:00+01:00")
    assert visit["planned_start"] == "2026-10-25T00:30:00+00:00"
    assert visit["planned_start_local"] == "2026-10-25T01:30:00+01:00"
    after = check_in(client, world, visit["id"], "2026-10-25T01:10:00+00:00")
    assert after["started_at"] == "2026-10-25T01:10:00+00:00"
    assert after["punctuality"] == "late"


def test_second_0130_on_25_october_checked_in_at_0110_gmt_is_on_time(client, world):
    """The repeated hour: the same wall-clock reading 20 minutes before a GMT 01:30 start."""
    visit = plan(client, world, "2026-10-25T01:30:00+00:00")
    assert visit["planned_start_local"] == "2026-10-25T01:30:00+00:00"
    assert check_in(client, world, visit["id"], "2026-10-25T01:10:00+00:00")["punctuality"] == "on_time"


def test_0045_on_29_march_checked_in_at_0210_bst_is_25_minutes_after_and_on_time(client, world):
    visit = plan(client, world, "2026-03-29T00:45:00+00:00")
    after = check_in(client, world, visit["id"], "2026-03-29T02:10:00+01:00")
    assert after["started_at"] == "2026-03-29T01:10:00+00:00"
    assert after["punctuality"] == "on_time"


def test_check_in_just_over_the_threshold_across_the_spring_gap_is_late(client, world):
    # 00:40 GMT + 30 min = 01:10 UTC = 02:10 BST; 02:10:01 BST is one second late.
    visit = plan(client, world, "2026-03-29T00:40:00+00:00")
    assert check_in(client, world, visit["id"], "2026-03-29T02:10:00+01:00")["punctuality"] == "on_time"
    visit = plan(client, world, "2026-03-29T00:40:00+00:00")
    assert check_in(client, world, visit["id"], "2026-03-29T02:10:01+01:00")["punctuality"] == "late"


# Local-date filters. Each case: UTC instants planned, and which of them fall on the local day.
DAYS = {
    "2026-03-29": [
        (utc(2026, 3, 28, 23, 30), False),  # 23:30 GMT on the 28th
        (utc(2026, 3, 29, 0, 0), True),     # local midnight
        (utc(2026, 3, 29, 0, 45), True),    # 00:45 GMT
        (utc(2026, 3, 29, 1, 10), True),    # 02:10 BST
        (utc(2026, 3, 29, 22, 59), True),   # 23:59 BST
        (utc(2026, 3, 29, 23, 0), False),   # 00:00 BST on the 30th
        (utc(2026, 3, 29, 23, 30), False),  # 00:30 BST on the 30th
    ],
    "2026-10-25": [
        (utc(2026, 10, 24, 22, 30), False),  # 23:30 BST on the 24th
        (utc(2026, 10, 24, 23, 0), True),    # local midnight, BST
        (utc(2026, 10, 25, 0, 30), True),    # first 01:30 (BST)
        (utc(2026, 10, 25, 1, 30), True),    # second 01:30 (GMT)
        (utc(2026, 10, 25, 23, 30), True),   # 23:30 GMT
        (utc(2026, 10, 26, 0, 0), False),    # midnight on the 26th
    ],
}


@pytest.fixture(params=sorted(DAYS))
def clock_change_day(request, world):
    a = world.alpha
    made = [(visit_for(a.clients[0], at, workers=[a.workers[0]]), on_day) for at, on_day in DAYS[request.param]]
    db.session.commit()
    return request.param, {v.id for v, on_day in made if on_day}


@pytest.mark.parametrize("viewer", ["coordinator", "officer"])
def test_local_date_filter_on_clock_change_days(client, world, clock_change_day, viewer):
    day, expected = clock_change_day
    who = world.alpha.coordinator if viewer == "coordinator" else world.officer
    r = client.get("/api/v1/visits", query_string={"date_from": day, "date_to": day}, headers=headers_for(who))
    assert {v["id"] for v in r.get_json()["items"]} == expected


def test_run_on_clock_change_days(client, world, clock_change_day):
    day, expected = clock_change_day
    r = client.get("/api/v1/run", query_string={"date": day}, headers=headers_for(world.alpha.worker_users[0]))
    run = r.get_json()
    assert run["date"] == day
    assert [v["id"] for v in run["visits"]] == sorted(expected)
    starts = [v["planned_start"] for v in run["visits"]]
    assert starts == sorted(starts)
