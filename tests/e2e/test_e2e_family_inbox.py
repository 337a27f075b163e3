"""A coordinator notices and reads what families sent the office: the unread count on the roster's Messages
button, the "From families" view of the message log, "Mark read" clearing it; another provider's coordinator
never sees it. English and Welsh, phone and desktop."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, log_in, signed_in
from tests.e2e.seed import seed_today
from tests.e2e.test_e2e_shell import check_screen
from tests.sessions import headers_for

pytestmark = pytest.mark.e2e

SIZES = {"phone": PHONE, "desktop": DESKTOP}


def send(app, family, client, body):
    """The family member's message, through the API their screen uses."""
    r = app.test_client().post("/api/v1/family-messages", json={"client_id": client.id, "body": body},
                               headers=headers_for(family))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


@pytest.mark.parametrize("size", SIZES)
def test_coordinator_sees_the_unread_badge_reads_and_marks_read(open_context, app, size):
    world = seed_today()
    a = world.alpha
    older = send(app, a.family, a.clients[0], "Could Tuesday's visit be a little later?")
    newest = send(app, a.family, a.clients[0], "Mum is in hospital from today.\nWe will call when she is home.")
    page = signed_in(open_context, a.coordinator, SIZES[size])

    messages = page.get_by_role("link", name="Messages")
    expect(messages.locator(".unread-badge")).to_have_text("2 2 unread")
    expect(messages).to_have_accessible_name("Messages 2 unread")  # the figure is not read out twice
    check_screen(page, "family-inbox-roster", size)
    messages.click()
    expect(page).to_have_url("/#/messages/families")
    tab = page.get_by_role("link", name="From families")
    expect(tab).to_have_attribute("aria-current", "page")
    items = page.locator("[data-family-message-id]")
    expect(items).to_have_count(2)  # the list is drawn after its request answers
    shown = items.evaluate_all("(els) => els.map((e) => Number(e.dataset.familyMessageId))")
    assert shown == [newest["id"], older["id"]]
    first = items.first
    expect(first).to_contain_text("Unread")
    expect(first).to_contain_text(a.clients[0].name)
    expect(first).to_contain_text(f"from {a.family.name}")
    expect(first).to_contain_text("Mum is in hospital from today.")
    button = first.get_by_role("button", name="Mark read")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    check_screen(page, "family-inbox", size)

    button.click()
    expect(first).to_have_attribute("data-read", "true")
    expect(first).to_contain_text("Read ")
    expect(first.get_by_role("button", name="Mark read")).to_have_count(0)
    expect(tab.locator(".unread-badge")).to_have_text("1 1 unread")
    items.nth(1).get_by_role("button", name="Mark read").click()
    expect(tab.locator(".unread-badge")).to_be_hidden()
    page.get_by_role("link", name="Back to the roster").click()
    expect(page.get_by_role("heading", name="Roster")).to_be_visible()
    expect(messages).to_have_attribute("href", "#/messages")
    expect(messages.locator(".unread-badge")).to_be_hidden()


def test_another_providers_coordinator_never_sees_it(open_context, app):
    world = seed_today()
    send(app, world.alpha.family, world.alpha.clients[0], "Mum is in hospital.")
    page = signed_in(open_context, world.beta.coordinator, PHONE)
    expect(page.get_by_role("heading", name="Roster")).to_be_visible()
    messages = page.get_by_role("link", name="Messages")
    expect(messages).to_have_attribute("href", "#/messages")
    expect(messages.locator(".unread-badge")).to_be_hidden()
    page.goto("/#/messages/families")
    expect(page.get_by_text("No family has sent your office a message yet.")).to_be_visible()
    expect(page.locator("[data-family-message-id]")).to_have_count(0)


@pytest.mark.parametrize("size", SIZES)
def test_in_welsh(open_context, app, size):
    world = seed_today()
    a = world.alpha
    send(app, a.family, a.clients[0], "Mae Mam yn yr ysbyty.")
    context, _ = open_context(SIZES[size])
    context.add_init_script("try { localStorage.setItem('caremon.lang', 'cy'); } catch (e) { /* about:blank */ }")
    page = context.new_page()
    log_in(page, a.coordinator.email, None)
    messages = page.get_by_role("link", name="Negeseuon")
    expect(messages.locator(".unread-badge")).to_have_text("1 1 heb eu darllen")
    check_screen(page, "family-inbox-roster-cy", size)
    messages.click()
    item = page.locator("[data-family-message-id]")
    expect(item).to_contain_text("Heb ei darllen")
    expect(item).to_contain_text(f"gan {a.family.name}")
    expect(page.get_by_role("link", name="Gan deuluoedd")).to_have_attribute("aria-current", "page")
    check_screen(page, "family-inbox-cy", size)
    item.get_by_role("button", name="Marcio wedi'i darllen").click()
    expect(item).to_contain_text("Darllenwyd ")
