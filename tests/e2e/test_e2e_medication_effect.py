"""The effect of an as-required dose in the browser: a care worker on a phone with no signal gives a PRN dose,
records its effect later, and both land once when the phone is back online."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from server.extensions import db
from server.medication.models import DoseEffect
from tests.dbstate import count
from tests.e2e.conftest import DESKTOP, screenshot, wait_until
from tests.e2e.test_e2e_medication import DOSES_SAVED, phone, records_of, seed_medicines
from tests.e2e.test_e2e_worker import FORGET_ANSWERS, OUTBOX_KEYS, badge_pending
from tests.factories import HOME

pytestmark = pytest.mark.e2e


def test_effect_of_a_prn_dose_recorded_offline_lands_once_when_back_online(open_context, app):
    world = seed_medicines()
    visit = world.visit_online  # AlphaClient1, who has Paracetamol as required
    context, page = phone(open_context, world, HOME)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until(lambda: page.evaluate(DOSES_SAVED, visit.id), page)

    context.set_offline(True)
    page.reload()
    expect(page.get_by_text(re.compile("Offline: showing your run as saved"))).to_be_visible()
    page.locator(f'.run-item[data-visit-id="{visit.id}"]').click()
    page.get_by_role("button", name="Check in").click()
    page.get_by_role("button", name="Give Paracetamol").click()
    page.get_by_label("Why is it needed?").fill("Knee pain")
    page.get_by_role("button", name="Record as given").click()
    prn = page.locator('[data-dose$=":prn"]')
    expect(prn.get_by_text(re.compile(r"^Given \d\d:\d\d – Knee pain · waiting to upload"))).to_be_visible()

    prn.get_by_role("button", name=re.compile(r"^Record effect of Paracetamol given \d\d:\d\d")).click()
    prn.get_by_role("button", name="Save effect").click()
    expect(page.get_by_text("Say what effect Paracetamol had.")).to_be_visible()
    prn.get_by_label("What effect did it have?").fill("Pain eased after 30 min")
    screenshot(page, "medication-effect-form-phone")
    prn.get_by_role("button", name="Save effect").click()
    expect(page.get_by_text("Effect recorded. Saved on this phone")).to_be_visible()
    expect(prn.get_by_text("Effect: Pain eased after 30 min · waiting to upload")).to_be_visible()
    expect(prn.get_by_role("button", name=re.compile("Record effect"))).to_have_count(0)
    badge_pending(page, 3)  # check-in, dose, effect
    screenshot(page, "medication-effect-offline-phone")
    assert records_of(visit.id) == [] and count(DoseEffect) == 0

    context.set_offline(False)
    badge_pending(page, 0)
    expect(prn.get_by_text(re.compile(r"^Effect: Pain eased after 30 min$"))).to_be_visible()
    screenshot(page, "medication-effect-synced-phone")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "medication-effect-synced-desktop")
    (record,) = records_of(visit.id)
    assert (record.prn_reason, record.prn_effect) == ("Knee pain", "Pain eased after 30 min")
    effect_key = db.session.scalar(db.select(DoseEffect.idempotency_key))
    assert effect_key in {q["key"] for q in page.evaluate(OUTBOX_KEYS)}

    # The answers are lost and the phone sends everything again: still one dose and one effect.
    page.evaluate(FORGET_ANSWERS)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(lambda: {q["state"] for q in page.evaluate(OUTBOX_KEYS)} == {"duplicate"}, page)
    assert len(records_of(visit.id)) == 1 and count(DoseEffect) == 1
