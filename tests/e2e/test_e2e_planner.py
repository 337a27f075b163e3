"""A coordinator plans tomorrow from the roster: runs the planner, reviews runs and what was left, publishes;
in English and in Welsh, on a desktop and on a phone."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from server.extensions import db
from server.visits.models import Visit
from tests.builders import alpha_day
from tests.e2e.conftest import PHONE, screenshot, signed_in

pytestmark = pytest.mark.e2e

A11Y = (Path(__file__).parent / "a11y.js").read_text()


def make_plan(page, day, label="First day"):
    page.get_by_label(label).fill(day.isoformat())
    page.locator("form button[type=submit]").click()
    expect(page.get_by_test_id("publish")).to_be_visible(timeout=20_000)


def test_coordinator_plans_reviews_and_publishes(open_context, world):
    found = alpha_day(world)
    page = signed_in(open_context, world.alpha.coordinator)
    page.get_by_role("link", name="Plan the day").click()
    expect(page.get_by_role("heading", name="Plan the day")).to_be_visible()
    make_plan(page, found["day"])
    expect(page.get_by_test_id("plan-run")).to_have_count(2)
    refused = page.get_by_test_id("unassigned").filter(has_text="Refuses")
    expect(refused).to_contain_text("The client has refused every carer who could come")
    expect(page.get_by_text("Alpha Worker 1:")).to_be_visible()
    assert page.evaluate(A11Y) == []
    screenshot(page, "planner-desktop")

    page.get_by_test_id("publish").click()
    expect(page.get_by_text("Published: the carers see the changes on their runs.")).to_be_visible()
    db.session.expire_all()
    pair = db.session.get(Visit, found["visits"]["pair"].id)
    assert len(pair.active_assignments) == 2


def test_the_planner_on_a_phone_in_welsh(open_context, world):
    found = alpha_day(world)
    page = signed_in(open_context, world.alpha.coordinator, size=PHONE)
    expect(page.get_by_role("link", name="Plan the day")).to_be_visible()
    page.evaluate("() => localStorage.setItem('caremon.lang', 'cy')")
    page.goto("/#/planner")
    page.reload()
    expect(page.get_by_role("heading", name="Cynllunio'r diwrnod")).to_be_visible()
    make_plan(page, found["day"], "Diwrnod cyntaf")
    expect(page.get_by_role("button", name="Cyhoeddi'r cynllun")).to_be_visible()
    expect(page.get_by_text("Rownd pob gofalwr")).to_be_visible()
    assert page.evaluate(A11Y) == []
    for target in page.locator("#main button, #main a.btn, #main input, #main select, #main label.check").all():
        box = target.bounding_box()
        if target.get_attribute("type") != "checkbox":  # its label is the tap target
            assert box["height"] >= 44, target.evaluate("(el) => el.outerHTML")
    screenshot(page, "planner-phone-cy")
    page.evaluate("() => localStorage.setItem('caremon.lang', 'en')")
    page.reload()
    make_plan(page, found["day"])
    screenshot(page, "planner-phone")
