"""Every screen at phone and desktop size: strict CSP holds, controls are named, contrast is AA, screenshots
are written. Keyboard-only use, the installable manifest, and a new deploy updating the installed app."""
from __future__ import annotations

import re
import shutil
import struct
from pathlib import Path

import pytest
from playwright.sync_api import expect

from server import create_app
from server.web.routes import CONTENT_SECURITY_POLICY
from server.web.shell import PWA_DIR
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot, serve, signed_in, wait_until
from tests.e2e.seed import mark_late, seed_today
from tests.testdb import settings_for_tests as app_settings

pytestmark = pytest.mark.e2e

A11Y = (Path(__file__).parent / "a11y.js").read_text()
SIZES = {"phone": PHONE, "desktop": DESKTOP}


def check_screen(page, name: str, size: str) -> None:
    assert page.evaluate(A11Y) == [], name
    screenshot(page, f"{name}-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_every_screen_keeps_the_policy_is_accessible_and_is_captured(open_context, app, size):
    world = seed_today()
    mark_late(world.visit_late)
    a = world.alpha

    context, recorder = open_context(
        SIZES[size],
        geolocation={"latitude": a.clients[0].lat, "longitude": a.clients[0].lon, "accuracy": 10},
        permissions=["geolocation"],
    )
    recorders = [recorder]
    page = context.new_page()
    response = page.goto("/")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    expect(page.get_by_role("heading", name="Log in to Caremon")).to_be_visible()
    check_screen(page, "login", size)
    log_in(page, a.worker_users[0].email, None)
    expect(page.locator(".run-item").first).to_be_visible()
    check_screen(page, "worker-run", size)
    page.locator(f'.run-item[data-visit-id="{world.visit_online.id}"]').click()
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text(re.compile(r"^Checked in \d\d:\d\d"))).to_be_visible()
    check_screen(page, "worker-visit", size)
    page.goto("/#/worker/activity")
    expect(page.get_by_role("heading", name="Log non-contact work")).to_be_visible()
    check_screen(page, "worker-activity", size)
    context.close()

    for user, ready, name in ((a.coordinator, ".block", "coordinator"), (a.family, ".visit-line", "family"),
                              (world.officer, ".chart svg", "council")):
        context, recorder = open_context(SIZES[size])
        recorders.append(recorder)
        page = context.new_page()
        log_in(page, user.email, None)
        expect(page.locator(ready).first).to_be_visible()
        if name == "coordinator":
            page.locator(f'.block[data-visit-id="{world.visit_late.id}"]').click()
            expect(page.get_by_role("heading", name="AlphaClient1", level=2)).to_be_focused()
        check_screen(page, name, size)
        context.close()
    assert [r.csp for r in recorders] == [[], [], [], []]
    assert [r.page_errors for r in recorders] == [[], [], [], []]


def test_keyboard_alone_reaches_and_uses_check_in_and_the_roster(open_context, app):
    world = seed_today()
    context, _ = open_context(PHONE, geolocation={"latitude": 54.328, "longitude": -2.746, "accuracy": 10},
                              permissions=["geolocation"])
    page = context.new_page()
    log_in(page, world.alpha.worker_users[0].email, None)
    expect(page.locator(".run-item").first).to_be_visible()
    page.goto(f"/#/worker/visit/{world.visit_online.id}")
    expect(page.get_by_role("button", name="Check in")).to_be_visible()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "Check in":
            break
    expect(page.get_by_role("button", name="Check in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"^Checked in \d\d:\d\d"))).to_be_visible()

    page = signed_in(open_context, world.alpha.coordinator)
    expect(page.locator(".block").first).to_be_visible()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('block')"):
            break
    page.keyboard.press("Enter")
    expect(page.locator("#detail-title")).to_be_focused()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_app_is_installable(open_context, app):
    context, _ = open_context(DESKTOP)
    page = context.new_page()
    page.goto("/")
    manifest = page.request.get("/manifest.webmanifest")
    assert manifest.headers["content-type"] == "application/manifest+json"
    body = manifest.json()
    assert body["start_url"] == "/" and body["display"] == "standalone"
    sizes = {}
    for icon in body["icons"]:
        got = page.request.get(icon["src"])
        assert got.ok, icon["src"]
        if icon["type"] == "image/png":
            width, height = png_size(got.body())
            assert f"{width}x{height}" == icon["sizes"]
            sizes[icon["purpose"]] = width
    assert sizes == {"any": 512, "maskable": 512} or {192, 512} <= {sizes.get("any"), 512}
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    scope = page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).scope")
    assert scope.endswith("/")


def test_a_new_deploy_updates_the_installed_app(open_context, tmp_path):
    shell = tmp_path / "pwa"
    shutil.copytree(PWA_DIR, shell)
    url, stop = serve(create_app(app_settings(pwa_dir=str(shell))))
    try:
        context, _ = open_context(DESKTOP, url=url)
        page = context.new_page()
        page.goto("/")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        first = page.evaluate("() => caches.keys()")
        assert len(first) == 1 and first[0].startswith("caremon-shell-")
        expect(page.locator("#update-banner")).to_be_hidden()

        with (shell / "css" / "base.css").open("a") as fh:
            fh.write("\n/* deploy 2 */\n")
        page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
        expect(page.locator("#update-banner")).to_be_visible(timeout=15000)
        expect(page.locator("#update-banner")).to_contain_text("A new version of Caremon is ready")
        # The new worker takes control before its activate handler has finished dropping the old cache.
        wait_until(lambda: len(page.evaluate("() => caches.keys()")) == 1, page)
        second = page.evaluate("() => caches.keys()")
        assert len(second) == 1 and second != first and second[0].startswith("caremon-shell-")
        page.get_by_role("button", name="Reload now").click()
        expect(page.locator("#update-banner")).to_be_hidden()
        assert "deploy 2" in page.evaluate("async () => (await fetch('/css/base.css')).text()")
        stylesheet = page.evaluate("""async () => {
            const cache = await caches.open((await caches.keys())[0]);
            return (await cache.match('/css/base.css')).text();
        }""")
        assert "deploy 2" in stylesheet
    finally:
        stop()
