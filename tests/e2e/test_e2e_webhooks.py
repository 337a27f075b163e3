"""A provider admin registers a webhook in the browser, copies its secret once, and sends a signed test."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, screenshot, signed_in
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.e2e

A11Y = (Path(__file__).parent / "a11y.js").read_text()


@pytest.fixture
def receiver(app):
    """A real receiver on loopback, reachable over plain http through the test-only setting."""
    app.config["CAREMON"]["webhooks_allow_http_local"] = True
    made = Receiver()
    yield made
    made.close()
    app.config["CAREMON"]["webhooks_allow_http_local"] = False


def test_admin_adds_a_webhook_tests_it_and_pauses_it(open_context, world, receiver):
    page = signed_in(open_context, world.alpha.admin)
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks")).to_be_visible()
    expect(page.get_by_text("No webhooks yet.")).to_be_visible()
    page.get_by_label("Address (https)").fill("https://10.0.0.5/hooks")
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_text("not public")).to_be_visible()  # a private address is refused, in words

    page.get_by_label("Address (https)").fill(receiver.url)
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_text("Copy the signing secret now")).to_be_visible()
    receiver.secret = page.locator(".card code").inner_text()
    assert receiver.secret.startswith("whsec_")
    page.get_by_role("button", name="Send test").click()
    expect(page.get_by_text("Test delivered")).to_be_visible()
    assert receiver.events() == ["webhook.ping"]  # the signature verified with the secret shown
    page.get_by_role("button", name="Deliveries").click()
    expect(page.get_by_role("cell", name="webhook.ping")).to_be_visible()
    assert page.evaluate(A11Y) == []
    screenshot(page, "webhooks-desktop")

    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("cell", name="Paused")).to_be_visible()

    phone = signed_in(open_context, world.alpha.admin, size=PHONE)
    phone.get_by_role("link", name="Webhooks").click()
    expect(phone.get_by_role("cell", name="Paused")).to_be_visible()
    screenshot(phone, "webhooks-phone")
