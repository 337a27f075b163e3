"""Checking in without GPS in the browser: a coordinator issues and revokes a home's tag; a worker indoors
types its code."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.auth.tenancy import Identity
from server.db_types import utcnow
from server.extensions import db
from server.tags import issuing
from server.tags.models import ClientTag
from server.visits.models import VisitEvent
from server.visits.service import record_event
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot, signed_in
from tests.e2e.seed import seed_today

pytestmark = pytest.mark.e2e


def tag_for(world, home):
    coordinator = world.alpha.coordinator
    tag = issuing.issue(Identity(coordinator.id, "coordinator", provider_id=world.alpha.provider.id), home, utcnow())
    db.session.commit()
    return tag


def events_of(visit_id):
    db.session.expire_all()
    return db.session.scalars(select(VisitEvent).where(VisitEvent.visit_id == visit_id).order_by(VisitEvent.id)).all()


def indoors(open_context, world):
    """A worker's phone with location refused, as indoors with no fix, on the visit's screen."""
    context, _ = open_context(PHONE)
    page = context.new_page()
    log_in(page, world.alpha.worker_users[0].email, None)
    page.locator(f'.run-item[data-visit-id="{world.visit_online.id}"]').click()
    expect(page.locator("#visit-title")).to_have_text("AlphaClient1")
    return page


def test_coordinator_issues_prints_and_revokes_a_homes_tag(open_context, app):
    world = seed_today()
    home = world.alpha.clients[0]
    page = signed_in(open_context, world.alpha.coordinator, DESKTOP)
    page.get_by_role("link", name="Clients and tags").click()
    page.get_by_role("link", name="Tag for AlphaClient1").click()
    expect(page.get_by_text("No tag in this home yet.")).to_be_visible()
    page.get_by_role("button", name="Issue a tag").click()
    expect(page.locator(".tag-code-big")).to_have_text(re.compile(r"^\d{3} \d{3}$"))
    tag = db.session.scalar(select(ClientTag).where(ClientTag.client_id == home.id))
    assert page.locator(".tag-code-big").inner_text().replace(" ", "") == tag.code
    expect(page.locator("img.tag-qr")).to_have_attribute("src", re.compile("^data:image/png;base64,"))
    assert page.locator("img.tag-qr").evaluate("(img) => img.naturalWidth") > 200
    screenshot(page, "coordinator-home-tag-desktop")
    with page.expect_download() as download:
        page.get_by_role("button", name="Label (PDF)").click()
    assert download.value.suggested_filename == f"caremon-tag-{home.id}-v1.pdf"
    page.set_viewport_size(PHONE)
    screenshot(page, "coordinator-home-tag-phone")

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Revoke", exact=True).click()
    expect(page.get_by_text("No tag in this home yet.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(ClientTag, tag.id).revoked_at is not None


def test_worker_indoors_checks_in_by_typing_the_homes_code(open_context, app):
    world = seed_today()
    tag = tag_for(world, world.alpha.clients[0])
    page = indoors(open_context, world)
    page.get_by_text("No location? Use the home's tag").first.click()
    screenshot(page, "worker-check-in-by-code-phone")
    page.get_by_label("Or type the code on the label").first.fill("12")
    page.get_by_role("button", name="Use code").first.click()
    expect(page.get_by_text("Type the digits printed on the label.")).to_be_visible()
    page.get_by_label("Or type the code on the label").first.fill(f"{tag.code[:3]} {tag.code[3:]}")
    page.get_by_role("button", name="Use code").first.click()
    expect(page.get_by_text(re.compile(r"Checked in \d\d:\d\d · home's code verified"))).to_be_visible(timeout=15000)
    [event] = events_of(world.visit_online.id)
    assert (event.kind, event.method, event.verdict, event.lat) == ("check_in", "code", "verified", None)


def test_coordinator_sees_how_presence_was_shown_and_a_bad_tag_flagged(open_context, app):
    world = seed_today()
    a = world.alpha
    good, other = tag_for(world, a.clients[0]), tag_for(world, a.clients[1])
    visit = world.visit_online
    for kind, presence, minutes in (("check_in", {"method": "code", "code": good.code}, 0),
                                    ("check_out", {"method": "qr", "tag": issuing.payload_of(other)}, 30)):
        record_event(
            worker_id=a.workers[0].id,
            visit_id=visit.id,
            now=utcnow(),
            data={
                "idempotency_key": str(uuid.uuid4()),
                "kind": kind,
                "device_time": visit.planned_start + timedelta(minutes=minutes),
                **presence,
            },
        )
    db.session.commit()
    page = signed_in(open_context, a.coordinator, DESKTOP)
    page.locator(f'.block[data-visit-id="{visit.id}"]').click()
    detail = page.get_by_role("region", name="AlphaClient1")
    expect(detail.locator('.presence[data-method="code"]')).to_have_text(" · home's code typed: verified")
    expect(detail.locator('.presence[data-method="qr"]')).to_contain_text("home's QR code: not this home's tag")
    expect(detail).to_contain_text("Home tag not valid")
    screenshot(page, "coordinator-visit-presence-desktop")
