"""The family sets the PIN for confirming visits; at check-out a family member signs on the carer's phone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.auth.passwords import verify_password
from server.directory.models import Client
from server.extensions import db
from server.visits.models import Visit, VisitConfirmation
from tests.e2e.conftest import DESKTOP, PHONE, screenshot, signed_in
from tests.e2e.seed import seed_today
from tests.e2e.test_e2e_worker import worker_page

pytestmark = pytest.mark.e2e


def test_family_sets_the_confirmation_pin(open_context, app):
    world = seed_today()
    home = world.alpha.clients[0]
    page = signed_in(open_context, world.alpha.family, PHONE)
    page.get_by_label(f"PIN for {home.name}").fill("2468")
    screenshot(page, "family-confirmation-pin-phone")
    page.get_by_role("button", name="Set PIN").click()
    expect(page.get_by_text("PIN set.")).to_be_visible()
    db.session.expire_all()
    assert verify_password(db.session.get(Client, home.id).confirmation_pin_hash, "2468")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "family-confirmation-pin-desktop")


def test_a_family_member_signs_on_the_carers_phone_at_check_out(open_context, app):
    world = seed_today()
    visit = world.visit_online
    visit.contract.require_client_confirmation = True
    db.session.commit()
    _, page = worker_page(open_context, world)
    page.locator(f'.run-item[data-visit-id="{visit.id}"]').click()
    page.get_by_role("button", name="Check in").click()
    for task in visit.tasks:
        page.get_by_role("button", name=f"Mark {task} done").click()
    expect(page.get_by_role("heading", name=f"Tasks ({len(visit.tasks)} of {len(visit.tasks)} done)")).to_be_visible()
    page.get_by_role("button", name="Check out").click()
    page.get_by_label("Why are you leaving early?").fill("Client going out with family")
    page.locator("form.checkout-reasons").get_by_role("button", name="Check out").click()
    page.get_by_role("button", name="Confirm and check out").click()
    expect(page.get_by_text("Please sign in the box.")).to_be_visible()
    box = page.locator("canvas.signature-pad").bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(box["x"] + 30 + i * 25, box["y"] + box["height"] * (0.6 - 0.2 * (i % 2)))
    page.mouse.up()
    page.get_by_label("Name of the person signing (optional)").fill("Mary (daughter)")
    screenshot(page, "worker-client-confirmation-phone")
    page.get_by_role("button", name="Confirm and check out").click()
    expect(page.get_by_text(re.compile(r"^Checked out \d\d:\d\d"))).to_be_visible()
    row = None
    for _ in range(50):
        db.session.expire_all()
        row = db.session.scalar(select(VisitConfirmation).where(VisitConfirmation.visit_id == visit.id))
        if row:
            break
        page.wait_for_timeout(200)
    assert (row.kind, row.verified, row.signer_name) == ("signature", True, "Mary (daughter)")
    assert row.signature_png.startswith(b"\x89PNG")
    assert "client_unconfirmed" not in db.session.get(Visit, visit.id).flags
