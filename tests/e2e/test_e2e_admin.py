"""A provider admin runs the service from the app: adds a worker and invites them (the worker sets their own
password from the emailed link), adds a client by postcode (a table geocoder stands in for the network) and
moves the home by a pin on the map, links a relative, and plans care with a preview of the visits. Every
admin screen at phone and desktop size, in English and Welsh, is checked for accessibility and captured."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.care.models import CarePackage, VisitPattern
from server.directory.models import Client, FamilyLink, Worker
from server.extensions import db
from server.notify.models import Notification
from server.visits.models import Visit
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot, serve, signed_in
from tests.e2e.test_e2e_map import tile_png

pytestmark = pytest.mark.e2e

A11Y = (Path(__file__).parent / "a11y.js").read_text()
NEW_PASSWORD = "plum tuesday harbour 41"
SIZES = {"phone": PHONE, "desktop": DESKTOP}


def check(page, name: str) -> None:
    assert page.evaluate(A11Y) == [], name
    screenshot(page, name)


def invitation_link(email: str) -> str:
    db.session.expire_all()
    body = db.session.scalar(select(Notification.body).where(Notification.recipient == email,
                                                             Notification.kind == "invitation"))
    return re.search(r"/#/reset\?token=[\w-]+", body).group(0)


@pytest.fixture
def tiles(app, monkeypatch):
    png = tile_png()

    def tile_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "image/png"), ("Content-Length", str(len(png)))])
        return [png]

    url, stop = serve(tile_app)
    monkeypatch.setitem(app.config["CAREMON"], "map_tile_url", f"{url}/tiles/{{z}}/{{x}}/{{y}}.png")
    monkeypatch.setitem(app.config["CAREMON"], "map_tile_attribution", "Test tiles")
    monkeypatch.setitem(app.config["CAREMON"], "geocoder", "tests.directory.fakes:TableGeocoder")
    yield
    stop()


def test_admin_adds_a_worker_who_accepts_the_invitation_and_is_later_switched_off(open_context, world):
    page = signed_in(open_context, world.alpha.admin)
    expect(page.get_by_role("heading", name="Run your service")).to_be_visible()
    page.get_by_role("link", name="Manage workers").click()
    expect(page.get_by_role("heading", name="Care workers")).to_be_visible()
    page.get_by_label("Name").fill("Nia Rees")
    page.get_by_label("Email", exact=True).fill("nia@alpha.example")
    page.get_by_label("Mobile phone").fill("07700 900111")
    page.get_by_role("button", name="Add and send invitation").click()
    expect(page.get_by_text("Email with a login link sent to nia@alpha.example.")).to_be_visible()
    expect(page.get_by_role("cell", name="Nia Rees", exact=True)).to_be_visible()

    worker_phone, _ = open_context(PHONE)
    invited = worker_phone.new_page()
    invited.goto(invitation_link("nia@alpha.example"))
    invited.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    invited.get_by_label("New password again").fill(NEW_PASSWORD)
    invited.get_by_role("button", name="Set password").click()
    expect(invited.get_by_text("Your new password is set")).to_be_visible()
    log_in(invited, "nia@alpha.example", NEW_PASSWORD)
    expect(invited.get_by_role("heading", name="Today's run")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Switch off Nia Rees").click()
    expect(page.get_by_text("Nia Rees is switched off.")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(select(Worker.active).where(Worker.name == "Nia Rees")) is False


def test_admin_adds_a_client_by_postcode_moves_the_pin_links_family_and_plans_visits(open_context, world, tiles):
    a = world.alpha
    page = signed_in(open_context, a.admin)
    page.get_by_role("link", name="Manage clients").click()
    page.get_by_role("link", name="Add a client").click()
    page.get_by_label("Name", exact=True).fill("Megan Price")
    page.get_by_label("Address", exact=True).fill("3 Highgate, Kendal")
    page.get_by_label("Postcode", exact=True).fill("LA9 4AA")
    page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_role("button", name=re.compile("^Highgate, Kendal")).click()
    expect(page.get_by_label("Latitude")).to_have_value("54.3262")
    page.get_by_label("Access notes").fill("Key safe left of the back door")
    page.get_by_role("button", name="Add client").click()
    expect(page).to_have_url(re.compile(r"#/admin/clients/\d+$"))
    client_id = int(page.url.rsplit("/", 1)[1])
    db.session.expire_all()
    made = db.session.get(Client, client_id)
    assert (made.lat, made.lon, made.postcode, made.contract_id) == (54.3262, -2.7485, "LA9 4AA", a.contract.id)

    # A click above and right of the pin moves it north-east; saving stores the new point.
    expect(page.locator(".pin-marker")).to_be_visible()
    box = page.locator(".pin-map-svg").bounding_box()
    page.locator(".pin-map-svg").click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.25})
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.").first).to_be_visible()
    db.session.expire_all()
    moved = db.session.get(Client, client_id)
    assert moved.lat > 54.3262 and moved.lon > -2.7485

    page.get_by_label("Name", exact=True).nth(1).fill("Ffion Price")
    page.get_by_label("Email", exact=True).fill("ffion@home.example")
    page.get_by_label("Relationship").fill("Daughter")
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.get_by_text("Ffion Price is linked.")).to_be_visible()
    assert invitation_link("ffion@home.example")
    assert (
        db.session.scalar(select(FamilyLink.relationship_label).where(FamilyLink.client_id == client_id)) == "Daughter"
    )

    page.get_by_role("button", name="Add a care package").click()
    page.get_by_label("Minutes a week").fill("420")
    page.get_by_role("button", name="Save", exact=True).nth(1).click()
    expect(page.get_by_role("cell", name="7 h", exact=True)).to_be_visible()

    page.get_by_role("button", name="Add a visit pattern").click()
    page.get_by_label("Carers", exact=True).select_option("2")
    page.get_by_label("Carer 1").select_option(label=a.workers[0].name)
    page.get_by_label("Carer 2").select_option(label=a.workers[1].name)
    page.get_by_label("Tasks").fill("Breakfast\nMedication prompt")
    page.get_by_role("button", name="Preview visits").click()
    expect(page.get_by_role("heading", name="The next 14 visits")).to_be_visible()
    expect(page.get_by_text("This pattern plans 3 h 30 min a week")).to_contain_text(
        "3 h 30 min of the 7 h commissioned"
    )
    previewed = page.locator(".admin-preview-list li").evaluate_all("items => items.map((li) => li.dataset.start)")
    check(page, "admin-client-desktop")
    assert db.session.scalar(select(db.func.count()).select_from(VisitPattern)) == 0
    page.get_by_role("button", name="Save pattern").click()
    expect(page.get_by_text("Saved: its visits are on the roster.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("08:00 for 30 min daily"))).to_be_visible()
    db.session.expire_all()
    visits = db.session.scalars(select(Visit).where(Visit.client_id == client_id).order_by(Visit.planned_start)).all()
    assert [v.planned_start.isoformat().replace("+00:00", "") for v in visits[:14]] == [
        p.replace("Z", "").replace("+00:00", "") for p in previewed]
    assert {len(v.assignments) for v in visits} == {2} and visits[0].tasks == ["Breakfast", "Medication prompt"]


def seed_client_with_care(world):
    c = world.alpha.clients[0]
    db.session.add(
        VisitPattern(
            client_id=c.id,
            weekdays=[1, 2, 3, 4, 5],
            start_time="08:00",
            duration_minutes=45,
            carers_required=2,
            worker_ids=[w.id for w in world.alpha.workers],
            starts_on=date(2026, 1, 1),
        )
    )
    c.access_notes, c.geofence_radius_m = "Key safe by the back door", 200
    db.session.commit()
    return c


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("size", SIZES)
def test_every_admin_screen_in_english_and_welsh_at_phone_and_desktop(open_context, world, tiles, size, lang):
    client = seed_client_with_care(world)
    assert db.session.scalar(select(CarePackage.weekly_minutes).where(CarePackage.client_id == client.id)) == 420
    page = signed_in(open_context, world.alpha.admin, SIZES[size])
    expect(page.locator(".admin-tiles")).to_be_visible()
    page.evaluate("lang => localStorage.setItem('caremon.lang', lang)", lang)
    heading = {"en": "Run your service", "cy": "Rhedeg eich gwasanaeth"}[lang]
    screens = [
        ("", heading, "home"),
        ("/workers", {"en": "Care workers", "cy": "Gweithwyr gofal"}[lang], "workers"),
        ("/users", {"en": "Office staff", "cy": "Staff y swyddfa"}[lang], "users"),
        (f"/clients/{client.id}", client.name, "client"),
    ]
    for path, title, name in screens:
        page.goto(f"/#/admin{path}")
        page.reload()
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        if name == "client":
            page.get_by_role("button", name={"en": "Edit", "cy": "Golygu"}[lang]).last.click()
            page.get_by_role("button", name={"en": "Preview visits", "cy": "Rhagweld ymweliadau"}[lang]).click()
            expect(page.locator(".admin-preview-list li").first).to_be_visible()
        check(page, f"admin-{name}-{size}-{lang}")
    page.goto("/#/clients")
    expect(page.get_by_role("link", name={"en": "Add a client", "cy": "Ychwanegu cleient"}[lang])).to_be_visible()
    check(page, f"admin-clients-{size}-{lang}")
