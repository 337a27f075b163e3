"""Zones over HTTP: postcode districts and GeoJSON polygons checked with shapely, shares adding up to 100,
bad input changing nothing, and the placement figures the dashboard shows."""
from __future__ import annotations

import pytest

from server.commissioning.zones import district_of
from server.db_types import utcnow
from server.extensions import db
from tests.builders import (
    KENDAL_SQUARE,
    admin_of,
    offer_in,
    zone_with_shares,
)
from tests.dbstate import snapshot
from tests.sessions import headers_for


def _post(client, who, body):
    return client.post("/api/v1/zones", json=body, headers=headers_for(who))


def test_create_a_zone_by_districts_and_polygon_and_list_it(client, world):
    r = _post(
        client, world.officer, {"name": "Kendal", "postcode_districts": ["la9", "LA 8"], "polygon": KENDAL_SQUARE}
    )
    assert r.status_code == 201, r.get_json()
    zone = r.get_json()
    assert zone["postcode_districts"] == ["LA9", "LA8"]
    assert zone["polygon"]["type"] == "Polygon" and len(zone["polygon"]["coordinates"][0]) == 5
    assert [z["name"] for z in client.get("/api/v1/zones", headers=headers_for(world.officer)).get_json()] == ["Kendal"]
    assert client.get("/api/v1/zones", headers=headers_for(world.south_officer)).get_json() == []
    assert client.get("/api/v1/zones", headers=headers_for(world.alpha.admin)).status_code == 403


BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}


@pytest.mark.parametrize("body", [
    {"name": "Crossed", "polygon": BOWTIE},
    {"name": "Line", "polygon": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}},
    {"name": "Point", "polygon": {"type": "Point", "coordinates": [0, 0]}},
    {"name": "Garbage", "polygon": {"type": "Polygon", "coordinates": "nope"}},
    {"name": "Off the earth", "polygon": {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [0, 1], [0, 0]]]}},
    {"name": "Nowhere"},
    {"name": "Bad district", "postcode_districts": ["Kendal"]},
    {"name": "", "postcode_districts": ["LA9"]},
])
def test_bad_zone_is_refused_and_changes_nothing(client, world, body):
    before = snapshot()
    r = _post(client, world.officer, body)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_shares_must_add_up_to_100_for_the_councils_own_contracts(client, world):
    zone = _post(client, world.officer, {"name": "Kendal", "postcode_districts": ["LA9"]}).get_json()
    url = f"/api/v1/zones/{zone['id']}/providers"
    a, b, g = world.alpha.contract.id, world.beta.contract.id, world.gamma.contract.id
    before = snapshot()
    for bad in ([{"contract_id": a, "share_pct": 80}, {"contract_id": b, "share_pct": 30}],
                [{"contract_id": a, "share_pct": 80}, {"contract_id": g, "share_pct": 20}],
                [{"contract_id": a, "share_pct": 50}, {"contract_id": a, "share_pct": 50}],
                [{"contract_id": a, "share_pct": 101}]):
        r = client.put(url, json={"providers": bad}, headers=headers_for(world.officer))
        assert r.status_code == 422, bad
    assert snapshot() == before
    r = client.put(url, json={"providers": [{"contract_id": a, "share_pct": 80}, {"contract_id": b, "share_pct": 20}]},
                   headers=headers_for(world.officer))
    assert r.status_code == 200
    assert [(p["provider_name"], p["share_pct"]) for p in r.get_json()] == [("Alpha", 80), ("Beta", 20)]


def test_dashboard_figures_count_placed_waiting_and_time_to_place(client, world):
    from datetime import timedelta

    from server.commissioning import offers

    now = utcnow()
    zone = zone_with_shares(world, now)
    placed = offer_in(world, now - timedelta(hours=6))
    offers.accept(admin_of(world.alpha), placed, now - timedelta(hours=3))
    offer_in(world, now)
    db.session.commit()
    figures = client.get(f"/api/v1/zones/{zone.id}", headers=headers_for(world.officer)).get_json()["figures"]
    assert (figures["offers"], figures["placed"], figures["waiting"], figures["unplaced"]) == (2, 1, 1, 0)
    assert figures["pick_up_pct"] == 100.0 and figures["median_hours_to_place"] == 3.0
    assert [(p["share_pct"], p["placed"]) for p in figures["providers"]] == [(80, 1), (20, 0)]


def test_archived_zone_leaves_the_list_but_keeps_its_offers(client, world):
    now = utcnow()
    zone = zone_with_shares(world, now)
    offer = offer_in(world, now)
    assert client.delete(f"/api/v1/zones/{zone.id}", headers=headers_for(world.officer)).status_code == 204
    assert client.get("/api/v1/zones", headers=headers_for(world.officer)).get_json() == []
    assert client.get(f"/api/v1/package-offers/{offer.id}", headers=headers_for(world.officer)).status_code == 200


@pytest.mark.parametrize(("given", "district"), [("LA9 4AA", "LA9"), ("la96bt", "LA9"), ("SW1A 1AA", "SW1A"),
                                                 ("M1 1AE", "M1"), ("LA23", "LA23")])
def test_postcode_district(given, district):
    assert district_of(given) == district
