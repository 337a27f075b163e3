"""Finding a client's home from a typed postcode or address, through geopy, without touching the network:
a table geocoder named in settings, and geopy's own Nominatim client against a server on localhost."""
from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from server.audit.models import AuditEntry
from server.extensions import db
from tests.dbstate import snapshot
from tests.directory import fakes
from tests.sessions import headers_for

FAKE = "tests.directory.fakes:TableGeocoder"


@pytest.fixture
def settings(app, monkeypatch):
    monkeypatch.setitem(app.config["CAREMON"], "geocoder", FAKE)
    monkeypatch.setitem(app.config["CAREMON"], "geocoder_user_agent", "caremon-test")
    fakes.ASKED.clear()
    return app.config["CAREMON"]


def geocode(client, who, q):
    return client.get("/api/v1/geocode", query_string={"q": q}, headers=headers_for(who))


def test_a_postcode_finds_the_place_through_the_configured_geocoder(client, world, settings):
    r = geocode(client, world.alpha.admin, "la9 4aa")
    assert r.status_code == 200
    assert r.get_json() == [{"address": fakes.PLACES["LA9 4AA"][0][0], "lat": 54.3262, "lon": -2.7485}]
    assert fakes.ASKED == [{"query": "la9 4aa", "limit": 5, "country_codes": ["gb"], "user_agent": "caremon-test"}]


def test_an_address_gives_every_candidate_and_an_unknown_one_none(client, world, settings):
    assert len(geocode(client, world.alpha.admin, "Strickland Gate").get_json()) == 2
    assert geocode(client, world.alpha.admin, "Nowhere Lane").get_json() == []


def test_a_geocoder_that_does_not_answer_is_503_and_one_switched_off_is_409(client, world, settings, monkeypatch):
    r = geocode(client, world.alpha.admin, "offline")
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "geocoder_unavailable"
    monkeypatch.setitem(settings, "geocoder", "none")
    r = geocode(client, world.alpha.admin, "LA9 4AA")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "geocoder_off"


@pytest.mark.parametrize("q", ["", "x", "y" * 201])
def test_a_query_too_short_or_long_is_422_and_never_sent(client, world, settings, q):
    assert geocode(client, world.alpha.admin, q).status_code == 422
    assert fakes.ASKED == []


def test_only_provider_admins_look_up_addresses(client, world, settings):
    for who in (world.alpha.coordinator, world.alpha.worker_users[0], world.alpha.family, world.officer):
        assert geocode(client, who, "LA9 4AA").status_code == 403
    assert fakes.ASKED == []


def test_nominatim_is_asked_through_geopy_with_the_configured_url_and_agent(client, world, app, monkeypatch):
    asked = []

    def nominatim(environ, start_response):
        asked.append((environ["PATH_INFO"], environ["QUERY_STRING"], environ.get("HTTP_USER_AGENT")))
        body = json.dumps([{"lat": "54.3262", "lon": "-2.7485", "display_name": "Highgate, Kendal, LA9 4AA"}]).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    server = make_server("127.0.0.1", 0, nominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for key, value in (("geocoder", "nominatim"), ("geocoder_url", f"http://127.0.0.1:{server.server_port}/osm"),
                           ("geocoder_user_agent", "caremon-kendal")):
            monkeypatch.setitem(app.config["CAREMON"], key, value)
        r = geocode(client, world.alpha.admin, "LA9 4AA")
    finally:
        server.shutdown()
    assert r.get_json() == [{"address": "Highgate, Kendal, LA9 4AA", "lat": 54.3262, "lon": -2.7485}]
    [(path, query, agent)] = asked
    assert path == "/osm/search" and "q=LA9+4AA" in query and "countrycodes=gb" in query and agent == "caremon-kendal"


def test_a_client_added_at_the_found_place_and_moved_by_a_pin_is_audited(client, world, settings):
    admin = world.alpha.admin
    [place] = geocode(client, admin, "LA9 4AA").get_json()
    r = client.post("/api/v1/clients", json={
        "contract_id": world.alpha.contract.id, "name": "Megan Price", "address": "3 Highgate, Kendal",
        "postcode": "LA9 4AA", "lat": place["lat"], "lon": place["lon"], "geofence_radius_m": 200,
        "access_notes": "Key safe by the back door; code from the office"}, headers=headers_for(admin))
    assert r.status_code == 201, r.get_json()
    made = r.get_json()
    moved = client.patch(f"/api/v1/clients/{made['id']}", json={"lat": 54.3270, "lon": -2.7490},
                         headers=headers_for(admin)).get_json()
    assert (moved["lat"], moved["lon"], moved["geofence_radius_m"]) == (54.3270, -2.7490, 200)
    assert [(e.action, e.details.get("fields")) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_id == str(made["id"])))] == [
        ("client.create", None), ("clients.update", ["lat", "lon"])]


@pytest.mark.parametrize("change", [{"lat": 91}, {"geofence_radius_m": 5}, {"name": ""}, {"lat": None}])
def test_a_bad_client_edit_is_refused_and_nothing_is_written(client, world, change):
    before = snapshot()
    r = client.patch(
        f"/api/v1/clients/{world.alpha.clients[0].id}", json=change, headers=headers_for(world.alpha.admin)
    )
    assert r.status_code == 422
    assert snapshot() == before
