"""English and Welsh in the browser: the top bar's switch, the choice kept across reloads and on the account,
Welsh messages from the API shown as they come, and a first load of every role's home with no failed request."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from server.extensions import db
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.e2e.seed import seed_today

pytestmark = pytest.mark.e2e
SIZES = {"phone": PHONE, "desktop": DESKTOP}


def watch_failures(page) -> list[str]:
    """Console errors (a 401 is logged as one) and any answer of 400 or more, as they happen."""
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return seen


@pytest.mark.parametrize("size", SIZES)
def test_a_worker_switches_to_welsh_and_it_sticks(open_context, app, size):
    world = seed_today()
    worker = world.alpha.worker_users[0]
    context, _ = open_context(SIZES[size])
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in to Caremon")).to_be_visible()
    log_in(page, worker.email, None)
    expect(page.locator(".run-item").first).to_be_visible()
    screenshot(page, f"lang-worker-run-en-{size}")

    with page.expect_response(re.compile(r"/api/v1/auth/me$")) as saved:
        page.get_by_role("button", name=re.compile("Newid i'r Gymraeg")).click()
    assert saved.value.ok
    expect(page.get_by_role("button", name=re.compile("Switch to English"))).to_have_text("English")
    expect(page.get_by_role("button", name="Allgofnodi")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "cy-GB")
    expect(page.get_by_test_id("pending-count")).to_have_text("Wedi llwytho'r cyfan")
    # The run's date in Welsh day and month names, in the council's zone (Intl's, or the catalogue's where the
    # browser's Intl has no Welsh, as Debian's chromium has not).
    welsh_months = "Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr"
    expect(page.get_by_text(re.compile(rf"^dydd \w+,? \d+ ({welsh_months})$", re.I))).to_be_visible()
    screenshot(page, f"lang-worker-run-cy-{size}")

    page.reload()
    expect(page.get_by_role("button", name="Allgofnodi")).to_be_visible()
    page.locator(f'.run-item[data-visit-id="{world.visit_online.id}"]').click()
    expect(page.get_by_role("button", name="Cyrraedd", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Tasgau \(0 o \d+ wedi'u gwneud\)"))).to_be_visible()
    screenshot(page, f"lang-worker-visit-cy-{size}")

    page.get_by_role("button", name="Allgofnodi").click()
    expect(page.get_by_role("heading", name="Mewngofnodi i Caremon")).to_be_visible()
    expect(page.get_by_label("E-bost")).to_be_visible()
    screenshot(page, f"lang-login-cy-{size}")


def test_the_accounts_language_wins_at_sign_in_on_another_device(open_context, app):
    world = seed_today()
    worker = world.alpha.worker_users[0]
    worker.language = "cy"
    db.session.commit()
    context, _ = open_context(PHONE)
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in to Caremon")).to_be_visible()
    log_in(page, worker.email, None)
    expect(page.get_by_role("button", name="Allgofnodi")).to_be_visible()
    assert page.evaluate("() => localStorage.getItem('caremon.lang')") == "cy"


def test_a_welsh_message_from_the_api_is_shown_in_welsh(open_context, app):
    world = seed_today()
    coordinator = world.alpha.coordinator
    coordinator.language = "cy"
    db.session.commit()
    context, _ = open_context(DESKTOP)
    page = context.new_page()
    log_in(page, coordinator.email, None)
    expect(page.get_by_role("button", name="Allgofnodi")).to_be_visible()
    page.goto("/#/password")
    page.get_by_label("Cyfrinair presennol").fill("not the password at all")
    page.get_by_label("Cyfrinair newydd", exact=True).fill("a long and unguessable phrase 42")
    page.get_by_label("Cyfrinair newydd eto").fill("a long and unguessable phrase 42")
    page.get_by_role("button", name="Newid cyfrinair").click()
    expect(page.get_by_role("alert")).to_have_text("Mae'r cyfrinair presennol yn anghywir")
    screenshot(page, "lang-api-error-cy-desktop")


def test_first_load_of_every_home_makes_no_failed_request(open_context, app):
    world = seed_today()
    a = world.alpha
    context, _ = open_context(DESKTOP)
    page = context.new_page()
    failures = watch_failures(page)
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in to Caremon")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert failures == [], "first visit, signed out"
    for user, ready in ((a.worker_users[0], ".run-item"), (a.coordinator, ".block"), (a.family, ".visit-line"),
                        (world.officer, ".chart svg")):
        context, _ = open_context(DESKTOP)
        page = context.new_page()
        log_in(page, user.email, None)
        expect(page.locator(ready).first).to_be_visible(timeout=20000)
        failures = watch_failures(page)
        page.reload()
        # The home drawn means the boot's own requests (who is signed in, the screen's data) have been answered.
        expect(page.locator(ready).first).to_be_visible(timeout=20000)
        if user.role == "family":
            # The family screen asks for each visit's doses and is refused (403) where the client has not agreed
            # to share them: its own business, left to it; what matters here is that nothing is a 401.
            failures = [f for f in failures if " 403 " not in f and not f.startswith("403 ")]
        assert failures == [], f"first load of {user.role}'s home"
    # The access token has expired (its cookies with it) and the refresh cookie remains: renewed first, no 401.
    context.clear_cookies(name=re.compile("access_token"))
    page.reload()
    expect(page.locator(".chart svg").first).to_be_visible(timeout=20000)
    assert failures == [], "first load with an expired access token"
