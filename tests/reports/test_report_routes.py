"""The reports over HTTP: who may read them, JSON and CSV, bad input, and the OpenAPI listing."""
from __future__ import annotations

import csv
import io

import pytest

from server.extensions import db
from server.reports.catalogue import REPORTS
from tests.dbstate import snapshot
from tests.sessions import headers_for

NAMES = sorted(REPORTS)
WEEK = {"date_from": "2026-11-23", "date_to": "2026-11-29"}


def get(client, user, name, **params):
    return client.get(f"/api/v1/reports/{name}", query_string={**WEEK, **params}, headers=headers_for(user))


@pytest.mark.parametrize("name", NAMES)
def test_each_report_answers_json_and_csv(client, world, name):
    r = get(client, world.officer, name)
    assert r.status_code == 200
    body = r.get_json()
    assert set(body) == {"report", "period", "filters", "rows", "totals"}
    assert body["report"] == name
    assert body["period"] == {"date_from": "2026-11-23", "date_to": "2026-11-29", "timezone": "Europe/London",
                              "start": "2026-11-23T00:00:00+00:00", "end": "2026-11-30T00:00:00+00:00"}
    assert [c["reference"] for c in body["filters"]["contracts"]] == ["N-A", "N-B"]

    r = get(client, world.alpha.coordinator, name, format="csv")
    assert r.status_code == 200
    assert r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"] == f'attachment; filename="caremon-{name}-2026-11-23-2026-11-29.csv"'
    header = next(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert tuple(header) == REPORTS[name].csv_columns


@pytest.mark.parametrize("name", NAMES)
def test_another_tenants_contract_or_provider_is_404(client, world, name):
    before = snapshot()
    r = get(client, world.south_officer, name, contract_id=world.alpha.contract.id)
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")
    r = get(client, world.alpha.coordinator, name, provider_id=world.beta.provider.id)
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found")
    assert snapshot() == before


@pytest.mark.parametrize("name", NAMES)
def test_workers_and_families_may_not_read_reports(client, world, name):
    assert get(client, world.alpha.worker_users[0], name).status_code == 403
    assert get(client, world.alpha.family, name).status_code == 403
    assert client.get(f"/api/v1/reports/{name}", query_string=WEEK).status_code == 401


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("params, field", [
    ({"date_from": "2026-11-29", "date_to": "2026-11-23"}, "date_to"),
    ({"date_from": None}, "date_from"),
    ({"date_to": "29/11/2026"}, "date_to"),
    ({"date_from": "2024-11-28"}, "date_to"),  # 732 days: one more than MAX_DAYS
    ({"format": "xlsx"}, "format"),
    ({"contract_id": "0"}, "contract_id"),
])
def test_bad_input_is_422_and_writes_nothing(client, world, name, params, field):
    before = snapshot()
    query = {k: v for k, v in {**WEEK, **params}.items() if v is not None}
    r = client.get(f"/api/v1/reports/{name}", query_string=query, headers=headers_for(world.officer))
    assert r.status_code == 422
    assert field in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_figures_over_http_follow_the_callers_slice(client, world):
    a, b = world.alpha, world.beta
    a.visits[0].status, a.visits[0].punctuality = "completed", "on_time"
    a.visits[1].status = "missed"
    b.visits[0].status = "cancelled"
    db.session.commit()

    (week,) = get(client, a.coordinator, "punctuality").get_json()["rows"]
    # Alpha's two visits on Mon 23 Nov: one on time, one missed -> 50.0% each.
    assert (week["week"], week["visits"], week["on_time"], week["missed"], week["on_time_pct"]) == (
        "2026-W48", 2, 1, 1, 50.0)
    totals = get(client, world.officer, "punctuality").get_json()["totals"]
    # The council sees Beta's too: 4 visits, 1 cancelled, 1 still pending, due 2.
    assert (totals["visits"], totals["cancelled"], totals["pending"], totals["due"]) == (4, 1, 1, 2)
    totals = get(client, world.officer, "punctuality", provider_id=b.provider.id).get_json()["totals"]
    assert (totals["visits"], totals["cancelled"], totals["pending"]) == (2, 1, 1)

    lines = list(csv.DictReader(io.StringIO(get(client, a.coordinator, "punctuality", format="csv")
                                            .get_data(as_text=True))))
    assert [(line["week"], line["visits"], line["missed"], line["missed_pct"]) for line in lines] == [
        ("2026-W48", "2", "1", "50.0"), ("total", "2", "1", "50.0")]


def test_csv_cells_cannot_start_a_formula(client, world):
    a = world.alpha
    a.clients[0].name = "=HYPERLINK(\"http://evil.example\")"
    a.visits[0].status = "missed"
    db.session.commit()
    text = get(client, a.coordinator, "missed", format="csv").get_data(as_text=True)
    (line,) = csv.DictReader(io.StringIO(text))
    assert line["client_name"] == "'=HYPERLINK(\"http://evil.example\")"


def test_the_longest_period_is_answered_day_by_day(client, world):
    # 29 Nov 2024 .. 29 Nov 2026 is 731 local days, the most one request may ask for.
    r = get(client, world.officer, "outcomes", date_from="2024-11-29", date_to="2026-11-29")
    assert r.status_code == 200
    assert r.get_json()["period"]["start"] == "2024-11-29T00:00:00+00:00"


def test_every_report_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for name in NAMES:
        operation = spec["paths"][f"/api/v1/reports/{name}"]["get"]
        assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
        assert {p["name"] for p in operation["parameters"]} == {"date_from", "date_to", "contract_id", "provider_id",
                                                                 "format", "flag"}
