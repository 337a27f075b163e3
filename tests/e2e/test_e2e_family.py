"""A family member in the browser: the care log of their relative (tasks, progress, the notes a carer shared) where
the relative agrees, folded by week; ratings only for delivered visits; a message to the provider's office that its
coordinators are told of. English and Welsh, phone and desktop."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.feedback.models import FamilyMessage
from server.notify.models import Notification
from server.visits.service import record_event
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.e2e.seed import play, seed_today
from tests.factories import HOME, visit_for

pytestmark = pytest.mark.e2e

WELSH = "if (location.protocol.startsWith('http')) localStorage.setItem('caremon.lang', 'cy');"


def recorded(visit, worker, kind, at, **extra):
    data = {"idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at, "device_id": "seed",
            "lat": HOME[0], "lon": HOME[1], "accuracy_m": 10.0, **extra}
    record_event(worker_id=worker.id, visit_id=visit.id, data=data, now=at)


def shared_world():
    """Today's world with the relative's consent, progress and two notes at the delivered visit (one shared), and
    a visit delivered two weeks ago."""
    world = seed_today()
    a = world.alpha
    carer = a.workers[1]
    visit = world.visit_delivered
    at = visit.planned_start + timedelta(minutes=10)
    recorded(visit, carer, "outcome_progress", at, outcome_id=a.outcomes[0].id, score=4, comment="Private comment")
    recorded(visit, carer, "note", at + timedelta(minutes=1), text="Enjoyed talking about the garden", shareable=True)
    recorded(visit, carer, "note", at + timedelta(minutes=2), text="Bruise on left arm, told the office")
    old_start = visit.planned_start - timedelta(days=14)
    world.visit_old = visit_for(a.clients[0], old_start, workers=[a.workers[0]])
    play(world.visit_old, a.workers[0], [("check_in", old_start), ("task_done", old_start + timedelta(minutes=5)),
                                         ("check_out", old_start + timedelta(minutes=30))])
    a.clients[0].share_care_log_with_family = True
    db.session.commit()
    return world


def family_page(open_context, world, size=PHONE, welsh=False):
    context, _ = open_context(size)
    if welsh:
        context.add_init_script(WELSH)
    page = context.new_page()
    log_in(page, world.alpha.family.email, None)
    expect(page.locator(".care-log")).to_be_visible(timeout=15000)
    return page


def test_family_reads_the_care_log_by_week_with_only_shared_notes(open_context, app):
    world = shared_world()
    page = family_page(open_context, world)
    log = page.get_by_role("region", name="Care log")
    this_week = log.locator("details.log-week").first
    expect(this_week).to_have_attribute("open", "")
    entry = log.locator(f'.log-visit[data-visit-id="{world.visit_delivered.id}"]')
    expect(entry).to_contain_text("Tasks: 1 of 2 done")
    expect(entry).to_contain_text("I can get to the shops: 4 of 5")
    expect(entry).to_contain_text("Enjoyed talking about the garden")
    expect(entry).to_contain_text("Alpha Worker 2")
    expect(log).not_to_contain_text("Bruise on left arm")
    expect(log).not_to_contain_text("Private comment")
    # Two weeks back is folded away until asked for.
    old = log.locator(f'.log-visit[data-visit-id="{world.visit_old.id}"]')
    expect(old).to_be_hidden()
    log.locator("details.log-week").last.locator("summary").click()
    expect(old).to_contain_text("Tasks: 1 of 2 done")
    log.locator("details.log-week").last.locator("summary").click()
    # Only the delivered visit can be rated; the ones still to come cannot.
    expect(page.locator(f'.visit-line[data-visit-id="{world.visit_delivered.id}"] form.rate')).to_have_count(1)
    expect(page.locator(f'.visit-line[data-visit-id="{world.visit_late.id}"] form.rate')).to_have_count(0)
    log.scroll_into_view_if_needed()
    screenshot(page, "family-care-log-phone")

    desktop = family_page(open_context, world, DESKTOP)
    expect(desktop.get_by_role("region", name="Care log")).to_contain_text("Enjoyed talking about the garden")
    screenshot(desktop, "family-care-log-desktop")


def test_without_consent_the_log_says_so_and_shows_nothing(open_context, app):
    world = shared_world()
    world.alpha.clients[0].share_care_log_with_family = False
    db.session.commit()
    page = family_page(open_context, world)
    log = page.get_by_role("region", name="Care log")
    expect(log).to_contain_text("has not agreed to share the care log")
    expect(log).not_to_contain_text("Enjoyed talking about the garden")


def test_family_messages_the_office_and_its_coordinators_are_told(open_context, app):
    world = shared_world()
    a = world.alpha
    page = family_page(open_context, world)
    panel = page.get_by_role("region", name="Message the care office")
    text = panel.get_by_label("Your message")
    panel.get_by_role("button", name="Send to the office").click()
    expect(text).to_have_attribute("aria-invalid", "true")
    error_id = text.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).to_have_text("Write your message first.")
    expect(text).to_be_focused()
    assert db.session.scalar(select(FamilyMessage.id)) is None

    text.fill("Mum has a hospital appointment on Thursday morning, so no visit then please.")
    panel.get_by_role("button", name="Send to the office").click()
    expect(panel).to_contain_text("Sent. The office has been told.")
    expect(panel.locator(".sent-messages")).to_contain_text("not read yet")
    expect(text).not_to_have_attribute("aria-invalid", "true")
    db.session.expire_all()
    [message] = db.session.scalars(select(FamilyMessage)).all()
    assert (message.client_id, message.provider_id, message.user_id) == (a.clients[0].id, a.provider.id, a.family.id)
    told = db.session.scalars(select(Notification).where(Notification.kind == "family_message")).all()
    assert [(n.channel, n.recipient) for n in told] == [("email", a.coordinator.email)]
    panel.scroll_into_view_if_needed()
    screenshot(page, "family-message-phone")


def test_family_page_in_welsh(open_context, app):
    world = shared_world()
    for size, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = family_page(open_context, world, size, welsh=True)
        log = page.get_by_role("region", name="Log gofal")
        expect(log).to_contain_text("Tasgau: 1 o 2 wedi'u gwneud")
        expect(page.get_by_role("region", name="Anfon neges at y swyddfa ofal")).to_be_visible()
        expect(page.get_by_role("heading", name="Heddiw")).to_be_visible()
        screenshot(page, f"family-cy-{name}")
