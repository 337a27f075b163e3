"""Choosing a password in the browser: from an emailed reset link, and changing one's own."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.notify.models import Notification
from tests.e2e.conftest import PHONE, log_in, screenshot, signed_in
from tests.sessions import headers_for

pytestmark = pytest.mark.e2e

A11Y = (Path(__file__).parent / "a11y.js").read_text()
NEW = "tea at the lighthouse"


def test_a_reset_link_sets_a_new_password_without_logging_in(open_context, client, world):
    worker = world.alpha.worker_users[0]
    assert (
        client.post(f"/api/v1/users/{worker.id}/password-reset", headers=headers_for(world.alpha.admin)).status_code
        == 202
    )
    mail = db.session.scalar(select(Notification.body).where(Notification.kind == "password_reset"))
    link = re.search(r"/#/reset\?token=[\w-]+", mail).group(0)
    context, _ = open_context(PHONE)
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert page.evaluate(A11Y) == []
    screenshot(page, "password-reset-phone")
    page.get_by_label("New password", exact=True).fill("password1234")
    page.get_by_label("New password again").fill("password1234")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("alert")).to_contain_text("common password")
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password again").fill(NEW)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your new password is set")).to_be_visible()
    page.get_by_role("link", name="Log in").click()
    log_in(page, worker.email, NEW)
    expect(page.get_by_role("heading", name="Today's run")).to_be_visible()


def test_a_signed_in_user_changes_their_password(open_context, world):
    page = signed_in(open_context, world.alpha.coordinator)
    page.get_by_role("link", name="Password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    assert page.evaluate(A11Y) == []
    screenshot(page, "password-change-desktop")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password again").fill(NEW)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("current password is wrong")
    expect(page.get_by_label("Current password")).to_be_focused()
    page.get_by_label("Current password").fill("correct horse battery staple")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed")).to_be_visible()
    # The fresh cookies keep this session going.
    page.get_by_role("link", name="Back to Caremon").click()
    expect(page.locator(".block, .empty, .board").first).to_be_visible()
