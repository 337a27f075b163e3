"""A care worker on a phone: a full visit online, the same offline then synced exactly once, location refused,
non-contact work, and staying signed in across an expired access token."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.visits.models import NonContactActivity, OutcomeProgress, Visit, VisitEvent, VisitException
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot, signed_in, wait_until
from tests.e2e.seed import HOME_2, seed_today
from tests.factories import HOME

pytestmark = pytest.mark.e2e

OUTBOX_KEYS = """async () => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('caremon'); r.onsuccess = () => ok(r.result); r.onerror = fail;
  });
  const rows = await new Promise((ok) => {
    const r = db.transaction('outbox').objectStore('outbox').getAll(); r.onsuccess = () => ok(r.result);
  });
  return rows.map((e) => ({key: e.idempotency_key, state: e.state, visit_id: e.visit_id || null}));
}"""

# Puts every stored entry back in the queue, as if the server's answers had been lost on the way back.
FORGET_ANSWERS = """async () => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('caremon'); r.onsuccess = () => ok(r.result); r.onerror = fail;
  });
  const store = db.transaction('outbox', 'readwrite').objectStore('outbox');
  const rows = await new Promise((ok) => { const r = store.getAll(); r.onsuccess = () => ok(r.result); });
  await Promise.all(rows.map((e) => new Promise((ok) => {
    const r = store.put({...e, state: 'pending'}); r.onsuccess = ok;
  })));
  return rows.length;
}"""


def fresh(model, **where):
    db.session.expire_all()
    return db.session.scalars(select(model).filter_by(**where)).all()


def events_of(visit_id: int) -> list[VisitEvent]:
    db.session.expire_all()
    return db.session.scalars(select(VisitEvent).where(VisitEvent.visit_id == visit_id)
                              .order_by(VisitEvent.device_time, VisitEvent.id)).all()


def worker_page(open_context, world, home=HOME, **options):
    context, _ = open_context(PHONE, geolocation={"latitude": home[0], "longitude": home[1], "accuracy": 12},
                              permissions=["geolocation"], **options)
    page = context.new_page()
    log_in(page, world.alpha.worker_users[0].email, None)
    expect(page.locator(".run-item").first).to_be_visible()
    return context, page


def badge_pending(page, count: int, timeout=15000):
    expect(page.locator("#sync-badge")).to_have_attribute("data-pending", str(count), timeout=timeout)


def test_full_visit_with_location_lands_in_the_database(open_context, app):
    world = seed_today()
    visit = world.visit_online
    context, page = worker_page(open_context, world)
    times = [t.split("\n")[0] for t in page.locator(".run-time").all_inner_texts()]
    assert times == sorted(times) and len(times) == 5  # the whole day, in planned order
    expect(page.locator(f'.run-item[data-visit-id="{visit.id}"]')).to_contain_text("Scheduled")
    screenshot(page, "worker-run-phone")

    page.locator(f'.run-item[data-visit-id="{visit.id}"]').click()
    expect(page.locator("#visit-title")).to_have_text("AlphaClient1")
    page.get_by_role("button", name="Arrived").click()
    expect(page.get_by_text(re.compile(r"^Arrived \d\d:\d\d"))).to_be_visible()
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text(re.compile(r"Checked in: location accurate to 12 m"))).to_be_visible()
    page.get_by_role("button", name="Mark Breakfast done").click()
    page.get_by_role("button", name="Mark Medication done").click()
    expect(page.get_by_role("heading", name="Tasks (2 of 2 done)")).to_be_visible()
    page.get_by_label("4 of 5").check()
    page.locator("form.outcome").get_by_label("Comment (optional)").fill("Walked to the gate with a frame")
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_text("Recorded 4/5 – Walked to the gate with a frame")).to_be_visible()
    page.get_by_label("Add a note").fill("Fridge nearly empty; told the office")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text(re.compile("Fridge nearly empty"))).to_be_visible()
    screenshot(page, "worker-visit-phone")
    page.get_by_role("button", name="Check out").click()
    # Every task is ticked, but the visit ends well before its planned 30 minutes: a reason is asked for.
    page.get_by_label("Why are you leaving early?").fill("Client had a hospital appointment")
    page.locator("form.checkout-reasons").get_by_role("button", name="Check out").click()
    expect(page.get_by_text(re.compile(r"^Checked out \d\d:\d\d"))).to_be_visible()
    badge_pending(page, 0)

    events = events_of(visit.id)
    assert [e.kind for e in events] == [
        "arrival",
        "check_in",
        "task_done",
        "task_done",
        "outcome_progress",
        "note",
        "check_out",
    ]
    assert events[-1].payload == {"short_reason": "Client had a hospital appointment"}
    assert {e.payload.get("task") for e in events if e.kind == "task_done"} == {"Breakfast", "Medication"}
    check_in = events[1]
    assert check_in.geofence == "verified" and check_in.accuracy_m == 12 and check_in.device_id.startswith("pwa-")
    assert abs(check_in.lat - HOME[0]) < 1e-6 and abs(check_in.lon - HOME[1]) < 1e-6
    assert len({e.idempotency_key for e in events}) == len(events)
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status == "completed"
    assert [(p.score, p.comment) for p in fresh(OutcomeProgress, visit_id=visit.id)] == [
        (4, "Walked to the gate with a frame")
    ]
    # The session lives in httpOnly cookies only: nothing in web storage, nothing readable by scripts.
    storage = page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]")
    assert (
        storage[:2] == [0, 0] and "access_token_cookie" not in storage[2] and "refresh_token_cookie" not in storage[2]
    )
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["access_token_cookie"]["httpOnly"] and cookies["refresh_token_cookie"]["httpOnly"]
    assert cookies["refresh_token_cookie"]["path"] == "/api/v1/auth"


def test_offline_visit_from_a_cold_start_syncs_exactly_once(open_context, app):
    world = seed_today()
    visit = world.visit_offline
    context, page = worker_page(open_context, world, home=HOME_2)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    page.reload()  # a cold start with no network: shell from the service worker, run from IndexedDB
    expect(page.locator("#net-banner")).to_be_visible()
    expect(page.get_by_text(re.compile("Offline: showing your run as saved"))).to_be_visible()
    page.locator(f'.run-item[data-visit-id="{visit.id}"]').click()
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text(re.compile("Saved on this phone"))).to_be_visible()
    page.get_by_role("button", name="Mark Lunch done").click()
    page.get_by_role("button", name="Mark Check fluids done").click()
    page.get_by_label("Add a note").fill("No signal in this street")
    page.get_by_role("button", name="Save note").click()
    page.get_by_role("button", name="Check out").click()
    page.locator('fieldset[data-task="Medication"]').get_by_label("Client refused").check()
    page.get_by_label("Why are you leaving early?").fill("Client asleep")
    page.locator("form.checkout-reasons").get_by_role("button", name="Check out").click()
    badge_pending(page, 5)
    expect(page.locator("#sync-badge")).to_contain_text("5 waiting to upload")
    screenshot(page, "worker-visit-offline-phone")
    page.get_by_role("link", name="Today's run").click()
    expect(page.locator(f'.run-item[data-visit-id="{visit.id}"]')).to_contain_text("Waiting to upload")
    screenshot(page, "worker-run-offline-phone")
    assert events_of(visit.id) == []

    context.set_offline(False)
    badge_pending(page, 0)
    expect(page.locator("#sync-badge")).to_contain_text("All uploaded")
    queued = page.evaluate(OUTBOX_KEYS)
    events = events_of(visit.id)
    assert [e.kind for e in events] == ["check_in", "task_done", "task_done", "note", "check_out"]
    assert {e.idempotency_key for e in events} == {q["key"] for q in queued if q["visit_id"] == visit.id}
    assert {q["state"] for q in queued} == {"accepted"}
    assert events[0].geofence == "verified"  # the fix was taken offline, at the door

    # The answers are lost and the phone sends everything again: the server stores nothing twice.
    assert page.evaluate(FORGET_ANSWERS) == 5
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(lambda: {q["state"] for q in page.evaluate(OUTBOX_KEYS)} == {"duplicate"}, page)
    assert len(events_of(visit.id)) == 5


def test_refused_location_is_recorded_unverified_with_a_clear_message(open_context, app):
    world = seed_today()
    visit = world.visit_denied
    context, _ = open_context(PHONE)  # no geolocation permission: the browser refuses
    page = context.new_page()
    log_in(page, world.alpha.worker_users[0].email, None)
    page.locator(f'.run-item[data-visit-id="{visit.id}"]').click()
    page.get_by_role("button", name="Check in").click()
    expect(
        page.get_by_text(re.compile("Location is switched off for Caremon, so this is recorded as unverified"))
    ).to_be_visible()
    expect(page.get_by_text(re.compile("Checked in .* no location"))).to_be_visible()
    badge_pending(page, 0)
    screenshot(page, "worker-visit-no-location-phone")
    [event] = events_of(visit.id)
    assert (event.kind, event.lat, event.lon, event.geofence) == ("check_in", None, None, "none")
    assert [x.kind for x in fresh(VisitException, visit_id=visit.id)] == ["no_geolocation"]


def test_non_contact_activity_is_logged(open_context, app):
    world = seed_today()
    _, page = worker_page(open_context, world)
    page.get_by_role("link", name="Log non-contact work").click()
    form = page.locator("form")
    form.get_by_label("Client").select_option(str(world.alpha.clients[1].id))
    form.get_by_label("Type of work").select_option("liaising_family")
    form.get_by_label("Minutes spent").fill("15")
    form.get_by_label("Note (optional)").fill("Called daughter about prescriptions")
    screenshot(page, "worker-activity-phone")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    badge_pending(page, 0)
    [activity] = fresh(NonContactActivity)
    assert (activity.client_id, activity.category, activity.minutes, activity.note) == (
        world.alpha.clients[1].id, "liaising_family", 15, "Called daughter about prescriptions")
    assert activity.worker_id == world.alpha.workers[0].id


def test_expired_access_cookie_is_refreshed_without_logging_in_again(open_context, app):
    world = seed_today()
    context, page = worker_page(open_context, world)
    before = {c["name"]: c["value"] for c in context.cookies()}
    context.clear_cookies(name="access_token_cookie")
    page.reload()
    expect(page.get_by_role("heading", name="Today's run")).to_be_visible()
    after = {c["name"]: c["value"] for c in context.cookies()}
    assert after["access_token_cookie"] and after["access_token_cookie"] != before["access_token_cookie"]
    assert after["refresh_token_cookie"] == before["refresh_token_cookie"]


# Chosen before the app loads, as the language menu would have left it (not in about:blank, which has no storage).
WELSH = "if (location.protocol.startsWith('http')) localStorage.setItem('caremon.lang', 'cy');"


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_next_visit_comes_first_with_a_call_to_the_office_and_directions(open_context, app):
    world = seed_today()
    a = world.alpha
    a.provider.office_phone = "01539 720 123"
    db.session.commit()
    first = a.visits[0]  # the factory's 07:30 visit: the first of worker 1's run, still to be done
    _, page = worker_page(open_context, world)
    card = page.get_by_role("region", name="Next visit")
    expect(card).to_contain_text("AlphaClient1")
    assert card.get_attribute("data-visit-id") == str(first.id)
    call = card.get_by_role("link", name="Call the office")
    expect(call).to_have_attribute("href", "tel:01539720123")
    directions = card.get_by_role("link", name="Directions")
    expect(directions).to_have_attribute("href", re.compile(
        rf"^geo:{first.client.lat},{first.client.lon}\?q={first.client.lat},{first.client.lon}\(1%20AlphaClient1"))
    # Each of the card's actions is a thumb-sized target on a phone.
    for link in card.get_by_role("link").all():
        box = link.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, link.inner_text()
    screenshot(page, "worker-next-visit-phone")

    card.get_by_role("link", name="Open this visit").click()
    expect(page.locator("#visit-title")).to_have_text("AlphaClient1")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text(re.compile(r"Checked in: location accurate to"))).to_be_visible()
    page.get_by_label("Add a note").fill("Enjoyed the garden today")
    page.get_by_label("Share this note with the family").check()
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text(re.compile("Enjoyed the garden today"))).to_be_visible()  # saved before the next one
    page.get_by_label("Add a note").fill("Bruise on left arm")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text(re.compile("Bruise on left arm"))).to_be_visible()
    badge_pending(page, 0)
    notes = [e for e in events_of(first.id) if e.kind == "note"]
    assert [(e.payload["text"], e.payload.get("shareable")) for e in notes] == [
        ("Enjoyed the garden today", True), ("Bruise on left arm", None)]

    page.get_by_role("link", name="Today's run").click()
    card = page.get_by_role("region", name="You are at this visit now")
    expect(card.get_by_role("link", name="Continue this visit")).to_be_visible()


def test_next_visit_card_in_welsh_at_phone_and_desktop(open_context, app):
    world = seed_today()
    world.alpha.provider.office_phone = "+44 1539 720123"
    db.session.commit()
    for size, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        context, _ = open_context(size, geolocation={"latitude": HOME[0], "longitude": HOME[1], "accuracy": 12},
                                  permissions=["geolocation"])
        context.add_init_script(WELSH)
        page = context.new_page()
        log_in(page, world.alpha.worker_users[0].email, None)
        card = page.get_by_role("region", name="Ymweliad nesaf")
        expect(card.get_by_role("link", name="Ffonio'r swyddfa")).to_have_attribute("href", "tel:+441539720123")
        expect(page.get_by_role("heading", name="Rownd heddiw")).to_be_visible()
        screenshot(page, f"worker-next-visit-cy-{name}")
    page = signed_in(open_context, world.alpha.worker_users[0], DESKTOP)
    expect(page.get_by_role("region", name="Next visit")).to_be_visible()
    screenshot(page, "worker-next-visit-desktop")


def test_activity_errors_show_beside_each_field_and_in_view(open_context, app):
    world = seed_today()
    _, page = worker_page(open_context, world)
    page.get_by_role("link", name="Log non-contact work").click()
    form = page.locator("form")
    form.get_by_label("Minutes spent").fill("0")
    form.get_by_role("button", name="Save").click()
    client = form.get_by_label("Client")
    minutes = form.get_by_label("Minutes spent")
    for control, text in ((client, "Choose the client."), (minutes, "Minutes must be a whole number from 1 to 1440."),
                          (form.get_by_label("Type of work"), "Choose the type of work.")):
        expect(control).to_have_attribute("aria-invalid", "true")
        error_id = control.get_attribute("aria-describedby").split()[-1]
        note = page.locator(f"#{error_id}")
        expect(note).to_have_text(text)
        # The message sits in the control's own field, right under it.
        assert note.evaluate("(el, id) => el.closest('.field').contains(document.getElementById(id))",
                             control.get_attribute("id"))
    expect(client).to_be_focused()
    assert in_view(page, client)
    screenshot(page, "worker-activity-errors-phone")
    assert fresh(NonContactActivity) == []

    client.select_option(str(world.alpha.clients[1].id))
    form.get_by_label("Type of work").select_option("liaising_family")
    minutes.fill("20")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert page.locator(".field-error").count() == 0
    expect(client).not_to_have_attribute("aria-invalid", "true")
