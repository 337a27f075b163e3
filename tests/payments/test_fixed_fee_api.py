"""Visit types over HTTP: set on a visit by a coordinator, and a fixed-fee type paid its fee in the export."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from server.extensions import db
from server.visits.models import Visit
from tests.dbstate import snapshot
from tests.sessions import headers_for

WEEK = {"date_from": "2026-11-23", "date_to": "2026-11-29"}


def test_a_visit_is_created_with_a_type_then_changed_then_cleared(client, world):
    a = world.alpha
    r = client.post("/api/v1/visits", headers=headers_for(a.coordinator), json={
        "client_id": a.clients[0].id, "planned_start": world.start.isoformat(), "planned_minutes": 15,
        "visit_type": "medication_prompt"})
    assert r.status_code == 201 and r.get_json()["visit_type"] == "medication_prompt"
    for kind in ("welfare_check", None):
        r = client.patch(f"/api/v1/visits/{r.get_json()['id']}", json={"visit_type": kind},
                         headers=headers_for(a.coordinator))
        assert r.status_code == 200 and r.get_json()["visit_type"] == kind


@pytest.mark.parametrize("kind", ["", "Sleep In", "sleep-in", "x" * 33, 7])
@pytest.mark.parametrize("how", ["create", "patch"])
def test_a_bad_visit_type_is_422_and_writes_nothing(client, world, how, kind):
    a = world.alpha
    method, url, body = {
        "create": ("POST", "/api/v1/visits", {"client_id": a.clients[0].id, "planned_start": world.start.isoformat(),
                                              "planned_minutes": 30}),
        "patch": ("PATCH", f"/api/v1/visits/{a.visits[0].id}", {}),
    }[how]
    before = snapshot()
    r = client.open(url, method=method, json={**body, "visit_type": kind}, headers=headers_for(a.coordinator))
    assert r.status_code == 422, r.get_json()
    assert "visit_type" in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_another_providers_visit_type_cannot_be_set(client, world):
    r = client.patch(f"/api/v1/visits/{world.alpha.visits[0].id}", json={"visit_type": "sleep_in"},
                     headers=headers_for(world.beta.coordinator))
    assert r.status_code == 404
    assert db.session.get(Visit, world.alpha.visits[0].id).visit_type is None


def test_a_delivered_medication_prompt_is_paid_its_fee_in_the_export(client, world):
    """unsociable-hours: a medication prompt pays 850, reporting 15 min, however long the carer stayed.
    By the minute these 9 minutes would pay the 30-minute minimum, 30 x 2400 / 60 = 1200."""
    a = world.alpha
    a.contract.payment_rule_set = "unsociable-hours"
    v = a.visits[0]
    (carer,) = v.assignments
    carer.checked_in_at, carer.checked_out_at = world.start, world.start + timedelta(minutes=9)
    v.status = "completed"
    db.session.commit()

    def export_row() -> dict:
        r = client.get("/api/v1/exports/visits", query_string={**WEEK, "contract_id": a.contract.id, "format": "json"},
                       headers=headers_for(world.officer))
        assert r.status_code == 200
        return next(row for row in json.loads(r.get_data())["rows"] if row["visit_id"] == v.id)

    row = export_row()
    assert (row["payable_minutes"], row["amount_pence"], row["amount"]) == (30, 1200, "12.00")
    # The type is pay, not the plan: a coordinator may set it on the delivered visit.
    r = client.patch(f"/api/v1/visits/{v.id}", json={"visit_type": "medication_prompt"},
                     headers=headers_for(a.coordinator))
    assert r.status_code == 200, r.get_json()
    row = export_row()
    assert (row["outcome"], row["payable_minutes"], row["amount_pence"], row["amount"]) == ("paid", 15, 850, "8.50")
    body = client.get(f"/api/v1/visits/{v.id}/payable", headers=headers_for(a.coordinator)).get_json()
    (line,) = body["lines"]
    assert [step["rule"] for step in line["steps"]] == ["fixed_fee"]
    assert "a fixed fee of 850 (minor units) for each attending carer" in line["steps"][0]["note"]
