"""The coordinator's map: tiles from the configured tile server with the markers placed on them by Web
Mercator arithmetic, and the plain list when the tile server does not answer."""
from __future__ import annotations

import math
import re
import socket
import struct
import zlib
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from server.db_types import utcnow
from server.extensions import db
from tests.e2e.conftest import DESKTOP, PHONE, log_in, serve, signed_in
from tests.e2e.seed import seed_today
from tests.e2e.test_e2e_shell import check_screen
from tests.factories import HOME

pytestmark = pytest.mark.e2e


def tile_png() -> bytes:
    """A 256-pixel pale tile with a darker edge, so the tiles' seams show in the screenshots."""
    rows = b"".join(b"\0" + b"".join(b"\xb0\xc4\xbe" if x in (0, 255) or y in (0, 255) else b"\xe4\xee\xe8"
                                     for x in range(256)) for y in range(256))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture
def tile_server():
    """A tile server on its own port (another origin than the app's); records every tile asked for."""
    png, asked = tile_png(), []

    def app(environ, start_response):
        found = re.fullmatch(r"/tiles/(\d+)/(\d+)/(\d+)\.png", environ["PATH_INFO"])
        if not found:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b""]
        asked.append(tuple(int(n) for n in found.groups()))
        start_response("200 OK", [("Content-Type", "image/png"), ("Content-Length", str(len(png)))])
        return [png]

    url, stop = serve(app)
    yield url, asked
    stop()


def slippy(lat: float, lon: float, z: int) -> tuple[float, float]:
    """World pixel at zoom z by the published tile formula (OpenStreetMap wiki, "Slippy map tilenames")."""
    n = 256 * 2 ** z
    lat_r = math.radians(lat)
    return (lon + 180) / 360 * n, (1 - math.asinh(math.tan(lat_r)) / math.pi) / 2 * n


def seed_positions():
    world = seed_today()
    w1, w2 = world.alpha.workers
    w1.last_lat, w1.last_lon, w1.last_seen_at = HOME[0] + 0.002, HOME[1] + 0.004, utcnow() - timedelta(minutes=5)
    w2.last_lat, w2.last_lon, w2.last_seen_at = HOME[0] - 0.003, HOME[1] - 0.002, utcnow() - timedelta(minutes=9)
    db.session.commit()
    return world


def test_map_draws_tiles_and_places_markers_on_them(open_context, app, tile_server, monkeypatch):
    tiles_url, asked = tile_server
    monkeypatch.setitem(app.config["CAREMON"], "map_tile_url", f"{tiles_url}/tiles/{{z}}/{{x}}/{{y}}.png")
    monkeypatch.setitem(app.config["CAREMON"], "map_tile_attribution", "Test tiles")
    world = seed_positions()
    context, _ = open_context(DESKTOP)
    page = context.new_page()
    response = page.goto("/")
    assert f"img-src 'self' data: {tiles_url};" in response.headers["content-security-policy"]
    log_in(page, world.alpha.coordinator.email, None)

    figure = page.locator(".map-figure")
    expect(figure).to_have_attribute("data-state", "tiles")
    expect(figure).to_contain_text("Map: Test tiles")
    z = int(figure.get_attribute("data-zoom"))
    drawn = {tuple(int(n) for n in t.split("/")) for t in figure.locator("image").evaluate_all(
        "(els) => els.map((e) => e.dataset.tile)")}
    assert drawn == set(asked) and len(asked) == len(drawn) >= 2

    def tile_corner(z, x, y):
        tile = figure.locator(f'image[data-tile="{z}/{x}/{y}"]')
        return float(tile.get_attribute("x")), float(tile.get_attribute("y"))

    places = [(f'.marker-home[data-client-id="{c.id}"]', c.lat, c.lon) for c in world.alpha.clients]
    places += [(f'.marker-worker[data-worker-id="{w.id}"]', w.last_lat, w.last_lon) for w in world.alpha.workers]
    for selector, lat, lon in places:
        px, py = slippy(lat, lon, z)
        tx, ty = int(px // 256), int(py // 256)
        assert (z, tx, ty) in drawn  # the tile under every marker was fetched
        marker = figure.locator(selector)
        corner = tile_corner(z, tx, ty)
        assert float(marker.get_attribute("data-x")) - corner[0] == pytest.approx(px - tx * 256, abs=0.01)
        assert float(marker.get_attribute("data-y")) - corner[1] == pytest.approx(py - ty * 256, abs=0.01)
    # Markers stay inside the drawing, and the list beside the map gives the same facts in words.
    for selector, _, _ in places:
        x, y = (
            float(figure.locator(selector).get_attribute("data-x")),
            float(figure.locator(selector).get_attribute("data-y")),
        )
        assert 0 < x < 600 and 0 < y < 320
    expect(page.get_by_role("list", name="Workers' last known positions")).to_contain_text("Alpha Worker 1: seen")
    figure.scroll_into_view_if_needed()
    check_screen(page, "coordinator-map-tiles", "desktop")

    # The next board poll (10 s) with unchanged positions redraws nothing and fetches no tile again.
    polled, updated = len(asked), page.locator(".updated")
    figure.evaluate("(el) => { el.dataset.kept = 'yes'; }")
    expect(updated).not_to_have_text(updated.text_content(), timeout=15000)
    assert len(asked) == polled and figure.get_attribute("data-kept") == "yes"
    page.set_viewport_size(PHONE)
    expect(figure).to_be_visible()
    check_screen(page, "coordinator-map-tiles", "phone")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_map_falls_back_to_the_outline_when_tiles_do_not_load(open_context, app, monkeypatch):
    unreachable = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setitem(app.config["CAREMON"], "map_tile_url", f"{unreachable}/{{z}}/{{x}}/{{y}}.png")
    world = seed_positions()
    page = signed_in(open_context, world.alpha.coordinator)
    panel = page.get_by_role("region", name="Where everyone is")
    expect(panel).to_contain_text("Map tiles could not be loaded; the outline and the list show where everyone is.")
    expect(panel.locator('.map-figure[data-state="vector"]')).to_have_count(1)
    expect(panel.locator("image")).to_have_count(0)
    positions = panel.get_by_role("list", name="Workers' last known positions")
    expect(positions).to_contain_text("Alpha Worker 1: seen")
    expect(positions).to_contain_text("Alpha Worker 2: seen")
    check_screen(page, "coordinator-map-list", "desktop")


def test_without_a_tile_server_homes_and_carers_are_drawn_on_a_plain_outline(open_context, app):
    world = seed_positions()
    page = signed_in(open_context, world.alpha.coordinator)
    panel = page.get_by_role("region", name="Where everyone is")
    expect(panel.get_by_role("list", name="Workers' last known positions")).to_contain_text("Alpha Worker 2: seen")
    figure = panel.locator(".map-figure")
    expect(figure).to_have_attribute("data-state", "vector")
    assert panel.locator("image, .message").count() == 0  # no tile asked for, nothing gone wrong
    # The markers are placed by the same Web Mercator arithmetic as over tiles: relative positions agree.
    z = int(figure.get_attribute("data-zoom"))
    w1, w2 = world.alpha.workers
    m1, m2 = (figure.locator(f'.marker-worker[data-worker-id="{w.id}"]') for w in (w1, w2))
    (x1, y1), (x2, y2) = slippy(w1.last_lat, w1.last_lon, z), slippy(w2.last_lat, w2.last_lon, z)
    assert float(m2.get_attribute("data-x")) - float(m1.get_attribute("data-x")) == pytest.approx(x2 - x1, abs=0.01)
    assert float(m2.get_attribute("data-y")) - float(m1.get_attribute("data-y")) == pytest.approx(y2 - y1, abs=0.01)
    expect(figure.locator(".postcode-label")).to_have_text(["LA9 4"])
    expect(figure).to_contain_text("Plain outline: grid and postcode sectors")
    figure.scroll_into_view_if_needed()
    check_screen(page, "coordinator-map-outline", "desktop")
    page.set_viewport_size(PHONE)
    check_screen(page, "coordinator-map-outline", "phone")
