"""Commissioning in the browser: the officer's provider risk ranking and its drill-down, drawing a zone and
offering a package; the provider admin answering offers; each at phone and desktop size, in English and Welsh."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.commissioning.models import PackageOffer, Zone
from server.db_types import utcnow
from server.extensions import db
from server.feedback.models import VisitFeedback
from tests.builders import offer_in, zone_with_shares
from tests.e2e.conftest import DESKTOP, PHONE, signed_in
from tests.e2e.test_e2e_shell import check_screen
from tests.factories import add, make_world

pytestmark = pytest.mark.e2e
SIZES = {"phone": PHONE, "desktop": DESKTOP}


def seed():
    """Northshire with Alpha's first visit of yesterday missed and rated 2, a zone shared 80/20, and two offers
    waiting: one with Alpha, one it already declined."""
    w = make_world(utcnow() - timedelta(days=1))
    w.alpha.visits[0].status = "missed"
    add(VisitFeedback(visit_id=w.alpha.visits[0].id, user_id=w.alpha.family.id, rating=2, created_at=w.start))
    now = utcnow()
    w.zone = zone_with_shares(w, now - timedelta(hours=2))
    w.offer = offer_in(w, now - timedelta(hours=1))
    db.session.commit()
    return w



@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("size", list(SIZES))
def test_officer_ranks_providers_and_places_a_package(open_context, app, size, lang):
    w = seed()
    page = signed_in(open_context, w.officer, SIZES[size], lang)
    expect(page.locator("#kpi-desk-title")).to_be_visible()
    page.goto("/#/council/risk")
    ranking = page.get_by_role("table")
    # Six periods of every report for each contract: allow for a busy test machine.
    expect(ranking.locator("tbody tr").first).to_contain_text("Alpha", timeout=20000)
    expect(ranking.locator("tbody tr").first.locator(".rag--red")).to_be_visible()
    check_screen(page, f"council-risk-{lang}", size)

    page.locator("tbody tr").first.locator("a.rag-value").first.click()  # missed visits
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("AlphaClient1")
    expect(page.locator("#main")).not_to_contain_text("null")
    check_screen(page, f"council-risk-visits-{lang}", size)

    page.goto("/#/council/zones")
    expect(page.locator(".zone-card")).to_have_count(1)
    if lang == "en":
        page.get_by_label("Zone name").fill("Kendal south")
        page.get_by_label("Postcode districts").fill("LA8")
        pad = page.locator(".zone-pad")
        pad.scroll_into_view_if_needed()
        box = pad.bounding_box()
        for fx, fy in ((0.2, 0.2), (0.8, 0.25), (0.7, 0.8), (0.25, 0.75)):
            pad.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
        expect(page.get_by_text("4 points")).to_be_visible()
        page.get_by_role("button", name="Create zone").click()
        expect(page.get_by_text("Zone Kendal south created.")).to_be_visible()
        expect(page.locator(".zone-card")).to_have_count(2)
        zone = db.session.scalar(select(Zone).where(Zone.name == "Kendal south"))
        assert zone.postcode_districts == ["LA8"] and len(zone.polygon["coordinates"][0]) == 5

        page.get_by_label("Zone", exact=True).select_option(str(w.zone.id))
        for label, value in (("Client's name", "Mr Bryn Example"), ("Address", "9 Castle Street, Kendal"),
                             ("Postcode", "LA9 7AD"), ("Latitude", "54.326"), ("Longitude", "-2.744"),
                             ("Hours a week", "7"), ("Pattern of calls", "Daily 08:00 for 60 min"),
                             ("Starts on", (utcnow() + timedelta(days=7)).date().isoformat())):
            page.get_by_label(label, exact=True).fill(value)
        page.get_by_role("button", name="Offer to the zone's providers").click()
        expect(page.get_by_text("Offered to Alpha first.")).to_be_visible()
        db.session.expire_all()
        assert (
            db.session.scalar(select(PackageOffer).where(PackageOffer.client_name == "Mr Bryn Example")).weekly_minutes
            == 420
        )
    else:
        expect(page.get_by_role("heading", name="Parthau a chynigion pecynnau")).to_be_visible()
    check_screen(page, f"council-zones-{lang}", size)


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("size", list(SIZES))
def test_provider_admin_answers_offers(open_context, app, size, lang):
    w = seed()
    second = offer_in(w, utcnow(), client_name="Mrs Cerys Example")
    page = signed_in(open_context, w.alpha.admin, SIZES[size], lang)
    expect(page.locator("#logout")).to_be_visible()  # signed in, on the admin's home
    page.goto("/#/offers")
    cards = page.locator(".offer-card")
    expect(cards).to_have_count(2)
    expect(cards.first).not_to_contain_text("Cerys")  # no name until placed
    check_screen(page, f"provider-offers-{lang}", size)
    if lang == "en":
        cards.first.get_by_label("Reason for declining").fill("No carers free at 08:00")
        cards.first.get_by_role("button", name="Decline").click()
        expect(page.get_by_text("Declined. The offer goes to the next provider.")).to_be_visible()
        page.locator(".offer-card").first.get_by_role("button", name="Accept package").click()
        expect(page.get_by_text("is now one of your clients")).to_be_visible()
        db.session.expire_all()
        statuses = {o.id: (o.status, o.placed_contract_id) for o in db.session.scalars(select(PackageOffer))}
        assert statuses == {second.id: ("open", None), w.offer.id: ("placed", w.alpha.contract.id)}
        check_screen(page, "provider-offers-answered", size)
