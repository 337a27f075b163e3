"""The map tile setting: served to the screens, and the only outside origin the policy lets images come from."""
from __future__ import annotations

import pytest

from server import create_app
from server.web.routes import CONTENT_SECURITY_POLICY
from tests.testdb import settings_for_tests as app_settings

TILES = "https://tiles.example.net:8443/osm/{z}/{x}/{y}.png"


def test_no_tile_server_by_default(client):
    r = client.get("/config.json")
    assert r.status_code == 200 and r.get_json() == {"map_tile_url": "", "map_tile_attribution": ""}
    assert r.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "example" not in client.get("/").headers["Content-Security-Policy"]


def test_a_tile_server_is_let_in_for_images_only():
    app = create_app(app_settings(map_tile_url=TILES, map_tile_attribution="© OpenStreetMap contributors"))
    client = app.test_client()
    assert client.get("/config.json").get_json() == {
        "map_tile_url": TILES, "map_tile_attribution": "© OpenStreetMap contributors"}
    policy = dict(part.strip().split(" ", 1) for part in client.get("/").headers["Content-Security-Policy"].split(";"))
    assert policy["img-src"] == "'self' data: https://tiles.example.net:8443"
    assert [name for name, sources in policy.items() if "example" in sources] == ["img-src"]
    # The API docs page does not show the map and keeps its own policy.
    assert "example" not in client.get("/api/v1/docs").headers["Content-Security-Policy"]


@pytest.mark.parametrize("template", [
    "ftp://tiles.example.net/{z}/{x}/{y}.png",
    "https://tiles.example.net/{z}/{x}.png",
    "https://{s}.tiles.example.net/{z}/{x}/{y}.png",
    "/tiles/{z}/{x}/{y}.png",
])
def test_a_malformed_tile_url_stops_the_start(template):
    with pytest.raises(ValueError, match="map_tile_url"):
        create_app(app_settings(map_tile_url=template))
