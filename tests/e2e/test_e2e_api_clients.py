"""A provider admin manages the API clients of their other systems in the browser: the secret is shown once."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from server.extensions import db
from server.feed.models import ApiClient
from tests.e2e.conftest import screenshot, signed_in

pytestmark = pytest.mark.e2e

A11Y = (Path(__file__).parent / "a11y.js").read_text()


def test_admin_creates_rotates_and_revokes_an_api_client(open_context, world):
    page = signed_in(open_context, world.alpha.admin)
    page.get_by_role("link", name="API clients").click()
    expect(page.get_by_role("heading", name="API clients")).to_be_visible()
    expect(page.get_by_text("No API clients yet.")).to_be_visible()
    page.get_by_label("Name of the system").fill("RosterPro")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text("Copy the secret now")).to_be_visible()
    first = page.locator("code").nth(1).inner_text()
    expect(page.get_by_role("cell", name="RosterPro")).to_be_visible()
    assert page.evaluate(A11Y) == []
    screenshot(page, "api-clients-desktop")

    page.get_by_role("button", name="New secret").click()
    expect(page.locator("code").nth(1)).not_to_have_text(first)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("cell", name="Revoked")).to_be_visible()
    db.session.expire_all()
    made = db.session.scalar(db.select(ApiClient))
    assert made.name == "RosterPro" and made.revoked_at is not None and made.token_version == 1
