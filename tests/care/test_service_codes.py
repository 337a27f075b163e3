"""Service codes: set on care packages and visits through the API, and which one a visit is delivered under."""
from __future__ import annotations

from datetime import date

import pytest

from server.care.models import CarePackage
from server.care.service_codes import PackageCodes
from server.directory.models import Client
from tests.dbstate import snapshot
from tests.factories import add
from tests.sessions import headers_for


def test_a_care_package_is_created_with_its_code(client, world):
    a = world.alpha
    r = client.post(f"/api/v1/clients/{a.clients[0].id}/care-packages", headers=headers_for(a.admin),
                    json={"weekly_minutes": 300, "starts_on": "2026-12-01", "service_code": "T1019"})
    assert r.status_code == 201 and r.get_json()["service_code"] == "T1019"
    listed = client.get(f"/api/v1/clients/{a.clients[0].id}/care-packages", headers=headers_for(world.officer))
    assert [p["service_code"] for p in listed.get_json()] == [None, "T1019"]


def test_a_visit_is_created_with_a_code_then_changed_then_cleared(client, world):
    a = world.alpha
    r = client.post("/api/v1/visits", headers=headers_for(a.coordinator), json={
        "client_id": a.clients[0].id, "planned_start": world.start.isoformat(), "planned_minutes": 30,
        "service_code": "S5125"})
    assert r.status_code == 201 and r.get_json()["service_code"] == "S5125"
    visit_id = r.get_json()["id"]
    for code in ("T1019 U2", None):
        r = client.patch(f"/api/v1/visits/{visit_id}", json={"service_code": code}, headers=headers_for(a.coordinator))
        assert r.status_code == 200 and r.get_json()["service_code"] == code
    r = client.patch(f"/api/v1/visits/{visit_id}", json={"tasks": ["Lunch"]}, headers=headers_for(a.coordinator))
    assert r.get_json()["service_code"] is None


BAD_CODES = ["", "T1019;", "T" * 33, " T1019", 1019]


@pytest.mark.parametrize("code", BAD_CODES)
@pytest.mark.parametrize("how", ["create_visit", "patch_visit", "create_package"])
def test_a_bad_code_is_422_and_writes_nothing(client, world, how, code):
    a = world.alpha
    who, method, url, body = {
        "create_visit": (a.coordinator, "POST", "/api/v1/visits",
                         {"client_id": a.clients[0].id, "planned_start": world.start.isoformat(),
                          "planned_minutes": 30}),
        "patch_visit": (a.coordinator, "PATCH", f"/api/v1/visits/{a.visits[0].id}", {}),
        "create_package": (a.admin, "POST", f"/api/v1/clients/{a.clients[0].id}/care-packages",
                           {"weekly_minutes": 300, "starts_on": "2026-12-01"}),
    }[how]
    before = snapshot()
    r = client.open(url, method=method, json={**body, "service_code": code}, headers=headers_for(who))
    assert r.status_code == 422, r.get_json()
    assert "service_code" in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_a_visit_takes_the_package_in_force_on_its_date_unless_it_has_its_own(world):
    c = world.alpha.clients[0]  # its factory package from 2026-01-01 has no code
    add(CarePackage(client_id=c.id, weekly_minutes=300, starts_on=date(2026, 3, 1), ends_on=date(2026, 5, 31),
                    service_code="T1019"))
    add(CarePackage(client_id=c.id, weekly_minutes=60, starts_on=date(2026, 5, 1), service_code="S5150"))
    add(CarePackage(client_id=world.beta.clients[0].id, weekly_minutes=60, starts_on=date(2026, 1, 1),
                    service_code="S5125"))
    codes = PackageCodes(Client.contract_id == world.alpha.contract.id, first=date(2026, 1, 1), last=date(2026, 12, 31))
    assert codes.code(c.id, None, date(2026, 2, 28)) is None
    assert codes.code(c.id, None, date(2026, 3, 1)) == "T1019"
    assert codes.code(c.id, None, date(2026, 5, 1)) == "S5150"  # overlapping: the later start
    assert codes.code(c.id, None, date(2026, 6, 1)) == "S5150"
    assert codes.code(c.id, "T1020", date(2026, 3, 1)) == "T1020"
    assert codes.code(world.beta.clients[0].id, None, date(2026, 3, 1)) is None  # another contract, not loaded
    narrow = PackageCodes(Client.id == c.id, first=date(2026, 3, 1), last=date(2026, 3, 31))
    assert narrow.code(c.id, None, date(2026, 3, 15)) == "T1019"

