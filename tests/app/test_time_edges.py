"""Times and dates at the ends of the calendar are input errors naming their field, never a 500.

At year 1 and year 9999 turning a time with an offset to UTC, a local date to its UTC bounds,
or a day into the next overflows; every time the API takes is held to the years 1900..2200.
"""
from __future__ import annotations

import pytest

from server.schemas import AwareDateTime, LocalDate
from tests.builders import activity_body, correction, ev, new_visit
from tests.dbstate import snapshot
from tests.error_shape import assert_validation_error
from tests.sessions import headers_for

EDGE_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00Z",
              "9999-12-31T23:59:59Z", "1899-12-31T23:59:59Z", "2201-01-01T00:00:00Z"]
EDGE_DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"]


def posts(w, at):
    """(who, url, body, field): every body that carries a time, with that time at the edge."""
    a = w.alpha
    visit, client = a.visits[0].id, a.clients[0].id
    return [
        (a.worker_users[0], f"/api/v1/visits/{visit}/events", ev(w, device_time=at), "device_time"),
        (a.worker_users[0], f"/api/v1/clients/{client}/activities", activity_body(w, occurred_at=at), "occurred_at"),
        (a.coordinator, f"/api/v1/visits/{visit}/corrections", correction(w, check_in_at=at), "check_in_at"),
        (a.coordinator, f"/api/v1/visits/{visit}/corrections", correction(w, check_out_at=at), "check_out_at"),
        (a.coordinator, "/api/v1/visits", new_visit(w, planned_start=at), "planned_start"),
    ]


@pytest.mark.parametrize("at", EDGE_TIMES)
def test_a_time_at_the_edge_of_the_calendar_is_422_and_writes_nothing(client, world, at):
    for who, url, body, field in posts(world, at):
        before = snapshot()
        assert_validation_error(client.post(url, json=body, headers=headers_for(who)), field)
        assert snapshot() == before
    r = client.patch(f"/api/v1/visits/{world.alpha.visits[0].id}", json={"planned_start": at},
                     headers=headers_for(world.alpha.coordinator))
    assert_validation_error(r, "planned_start")


def filters(w, day):
    """(who, url, query, field): every filter by local date, with one end at the edge."""
    a, officer = w.alpha, w.officer
    period = {"date_from": day, "date_to": day}
    return [
        (a.coordinator, "/api/v1/visits", {"date_from": day}, "date_from"),
        (a.coordinator, "/api/v1/visits", {"date_to": day}, "date_to"),
        (a.coordinator, "/api/v1/run", {"date": day, "worker_id": a.workers[0].id}, "date"),
        (a.worker_users[0], "/api/v1/run", {"date": day}, "date"),
        (officer, "/api/v1/reports/punctuality", period, "date_from"),
        (officer, "/api/v1/reports/delivery", {**period, "format": "csv"}, "date_from"),
        (officer, "/api/v1/exports/visits", period, "date_from"),
        (officer, "/api/v1/exports/visits", {**period, "format": "xlsx"}, "date_to"),
    ]


@pytest.mark.parametrize("day", EDGE_DATES)
def test_a_date_filter_at_the_edge_of_the_calendar_is_422(client, world, day):
    for who, url, query, field in filters(world, day):
        r = client.get(url, query_string=query, headers=headers_for(who))
        assert_validation_error(r, field)


@pytest.mark.parametrize("day", EDGE_DATES)
def test_closing_a_period_or_granting_minutes_on_an_edge_date_is_422(client, world, day):
    officer = headers_for(world.officer)
    r = client.post("/api/v1/periods", json={"contract_id": world.alpha.contract.id, "date_from": day,
                                             "date_to": day}, headers=officer)
    assert_validation_error(r, "date_from")
    r = client.post("/api/v1/contingency", json={"client_id": world.alpha.clients[0].id, "on_date": day,
                                                 "minutes": 60, "reason": "hospital discharge"}, headers=officer)
    assert_validation_error(r, "on_date")


def test_the_first_and_last_moments_of_the_range_are_accepted():
    field, day = AwareDateTime(), LocalDate()
    assert field.deserialize("1900-01-01T00:00:00Z").year == 1900
    assert field.deserialize("2201-01-01T09:59:59+10:00").year == 2200  # 23:59:59 UTC on the last day
    assert str(day.deserialize("1900-01-01")) == "1900-01-01"
    assert str(day.deserialize("2200-12-31")) == "2200-12-31"
