"""GET /periods/<id>/outcome-payments: the worked November of conftest.nov through the API, JSON and CSV."""
from __future__ import annotations

import csv
import io

import pytest

from tests.sessions import headers_for


def get(client, who, period, fmt="json"):
    return client.get(f"/api/v1/periods/{period.id}/outcome-payments?format={fmt}", headers=headers_for(who))


def test_the_officer_sees_the_line_worked_by_hand(client, nov):
    r = get(client, nov.officer, nov.period)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["rule_set"], body["model"], body["contract_reference"]) == ("outcomes-top-slice", "per_visit", "N-A")
    [line] = body["lines"]
    # 5% of 1,000,000 = 50,000, split 2:1:1. Held 1 of 2 (50% < 80): 25,000 withheld. Reablement 1 of 2
    # (50% against 70%, pro rata): 12,500 x 100 / (70 x 2) = 8928.57 -> 8928. Reviews 1 of 2 (< 90%): withheld.
    assert (line["paid_pence"], line["retained_pence"], line["released_pence"], line["withheld_pence"],
            line["payable_pence"]) == (1_000_000, 50_000, 8_928, 41_072, 958_928)
    measures = {m["name"]: m for m in line["measures"]}
    assert {n: (m["cases"], m["met"], m["share_pence"], m["released_pence"]) for n, m in measures.items()} == {
        "outcomes_held_or_improved": (2, 1, 25_000, 0),
        "reablement_on_time": (2, 1, 12_500, 8_928),
        "reviews_on_time": (2, 1, 12_500, 0),
    }
    assert measures["reviews_on_time"]["result_percent"] == "50.0"
    assert measures["reviews_on_time"]["target_met"] is False
    assert line["explanation"][0] == "retained 5% of 1000000 = 50000 (rounded half-up)"
    assert line["explanation"][-1] == "released 8928, withheld 41072"


def test_a_review_recorded_late_counts_when_the_line_is_next_read(client, nov):
    a = nov.alpha
    r = client.patch(f"/api/v1/outcome-reviews/{nov.reviews[1].id}", json={"done_on": "2026-11-24"},
                     headers=headers_for(a.coordinator))
    assert r.status_code == 200 and r.get_json()["on_time"] is True
    [line] = get(client, nov.officer, nov.period).get_json()["lines"]
    assert {m["name"]: m["released_pence"] for m in line["measures"]}["reviews_on_time"] == 12_500


def test_the_csv_has_a_row_per_measure_and_a_total(client, nov):
    r = get(client, nov.alpha.admin, nov.period, "csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [row["row"] for row in rows] == ["measure", "measure", "measure", "total"]
    assert [row["released_pence"] for row in rows] == ["0", "8928", "0", "8928"]
    assert (rows[-1]["retained_pence"], rows[-1]["withheld_pence"], rows[-1]["payable"]) == ("50000", "41072",
                                                                                          "9589.28")


def test_a_rule_set_without_outcome_payments_has_no_lines(client, nov):
    nov.period.rule_set = "actual-by-minute"
    from server.extensions import db
    db.session.commit()
    body = get(client, nov.officer, nov.period).get_json()
    assert body["lines"] == [] and body["rule_set"] == "actual-by-minute"


@pytest.mark.parametrize("who", ["beta_admin", "south_officer"])
def test_another_provider_or_council_gets_not_found(client, nov, who):
    person = {"beta_admin": nov.beta.admin, "south_officer": nov.south_officer}[who]
    r = get(client, person, nov.period)
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_coordinators_and_workers_are_refused(client, nov):
    for who in (nov.alpha.coordinator, nov.alpha.worker_users[0]):
        assert get(client, who, nov.period).status_code == 403


def test_a_bad_format_is_refused(client, nov):
    r = get(client, nov.officer, nov.period, "xlsx")
    assert r.status_code == 422 and "format" in r.get_json()["error"]["details"]["fields"]


def test_weekly_budgets_against_planned_reductions(client, nov):
    r = client.get(f"/api/v1/contracts/{nov.alpha.contract.id}/weekly-budgets?date_from=2026-11-01&date_to=2026-11-30",
                   headers=headers_for(nov.officer))
    assert r.status_code == 200, r.get_json()
    packages = {p["package_id"]: p for p in r.get_json()["packages"]}
    ended, late = (packages[p.id] for p in nov.packages)
    # ended on the 15th: 15 days x 10,500 / 7 = 22,500, as planned
    assert (ended["budget_minor"], ended["planned_budget_minor"], ended["status"]) == (22_500, 22_500, "reduced")
    # 30 days x 21,000 / 7 = 90,000; planned 20 days at 21,000 + 10 at 10,500 = 75,000: 15,000 over plan
    assert (late["budget_minor"], late["planned_budget_minor"], late["over_plan_minor"], late["status"]) == \
        (90_000, 75_000, 15_000, "overdue")
    assert r.get_json()["over_plan_minor"] == 15_000
