"""Medication at the visit in the browser: a care worker records doses on a phone, online and offline (stored
once after reconnecting), check-out waits for the doses the contract requires."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.medication.models import DoseRecord
from tests.builders import medicine
from tests.e2e.conftest import PHONE, log_in, screenshot, wait_until
from tests.e2e.seed import HOME_2, seed_today
from tests.e2e.test_e2e_worker import FORGET_ANSWERS, OUTBOX_KEYS, badge_pending, events_of
from tests.factories import HOME

pytestmark = pytest.mark.e2e

DOSES_SAVED = """async (id) => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('caremon'); r.onsuccess = () => ok(r.result); r.onerror = fail;
  });
  const row = await new Promise((ok) => {
    const r = db.transaction('cache').objectStore('cache').get(`doses:${id}`); r.onsuccess = () => ok(r.result);
  });
  return Boolean(row);
}"""

def seed_medicines():
    world = seed_today()
    a = world.alpha
    a.contract.require_doses_before_checkout = True
    world.levodopa = medicine(a.clients[0], a.admin, name="Levodopa", times=["10:00"], time_critical=True,
                              instructions="Give on time: Parkinson's")
    world.paracetamol = medicine(a.clients[0], a.admin, name="Paracetamol", strength="500 mg", prn=True,
                                 prn_max_per_day=4)
    world.metformin = medicine(a.clients[1], a.admin, name="Metformin", strength="500 mg", times=["12:00"])
    world.senna = medicine(a.clients[1], a.admin, name="Senna", strength="7.5 mg", dose="2 tablets", times=["12:00"])
    db.session.commit()
    return world


def records_of(visit_id):
    db.session.expire_all()
    return db.session.scalars(select(DoseRecord).where(DoseRecord.visit_id == visit_id).order_by(DoseRecord.id)).all()


def phone(open_context, world, home):
    context, _ = open_context(PHONE, geolocation={"latitude": home[0], "longitude": home[1], "accuracy": 12},
                              permissions=["geolocation"])
    page = context.new_page()
    log_in(page, world.alpha.worker_users[0].email, None)
    expect(page.locator(".run-item").first).to_be_visible()
    return context, page


def test_worker_records_due_and_as_required_doses_before_checking_out(open_context, app):
    world = seed_medicines()
    visit = world.visit_online
    _, page = phone(open_context, world, HOME)
    page.locator(f'.run-item[data-visit-id="{visit.id}"]').click()
    expect(page.get_by_role("heading", name="Medication (0 of 1 recorded)")).to_be_visible()
    expect(page.get_by_text("Check in to record doses.")).to_be_visible()
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text(re.compile(r"Checked in: location"))).to_be_visible()
    expect(page.get_by_role("button", name="Check out")).to_be_disabled()
    expect(page.get_by_text("Record every dose due first: Levodopa (10:00).")).to_be_visible()
    screenshot(page, "medication-visit-due-phone")

    page.get_by_role("button", name="Give Paracetamol").click()
    page.get_by_label("Why is it needed?").fill("Knee pain")
    page.get_by_role("button", name="Record as given").click()
    expect(page.locator('[data-dose$=":prn"]').get_by_text(re.compile(r"^Given \d\d:\d\d"))).to_be_visible()
    page.get_by_role("button", name="Levodopa 10:00 given").click()
    expect(page.get_by_role("heading", name="Medication (1 of 1 recorded)")).to_be_visible()
    badge_pending(page, 0)
    screenshot(page, "medication-visit-recorded-phone")
    page.get_by_role("button", name="Mark Breakfast done").click()
    expect(page.get_by_role("heading", name="Tasks (1 of 2 done)")).to_be_visible()
    page.get_by_role("button", name="Mark Medication done").click()
    expect(page.get_by_role("heading", name="Tasks (2 of 2 done)")).to_be_visible()
    page.get_by_role("button", name="Check out").click()
    page.get_by_label("Why are you leaving early?").fill("Client going out")
    page.locator("form.checkout-reasons").get_by_role("button", name="Check out").click()
    expect(page.get_by_text(re.compile(r"^Checked out \d\d:\d\d"))).to_be_visible()
    badge_pending(page, 0)

    records = records_of(visit.id)
    assert sorted((r.version.name, r.slot, r.outcome, r.prn_reason) for r in records) == [
        ("Levodopa", "10:00", "given", None), ("Paracetamol", None, "given", "Knee pain")]
    assert events_of(visit.id)[-1].kind == "check_out"


def test_doses_recorded_offline_upload_once_when_back_online(open_context, app):
    world = seed_medicines()
    visit = world.visit_offline
    context, page = phone(open_context, world, HOME_2)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    # The run's doses are saved on the phone while it has signal.
    wait_until(lambda: page.evaluate(DOSES_SAVED, visit.id), page)

    context.set_offline(True)
    page.reload()
    expect(page.get_by_text(re.compile("Offline: showing your run as saved"))).to_be_visible()
    page.locator(f'.run-item[data-visit-id="{visit.id}"]').click()
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("heading", name="Medication (0 of 2 recorded)")).to_be_visible()
    page.get_by_role("button", name="Metformin 12:00 given").click()
    page.get_by_role("button", name="Senna 12:00 not given").click()
    page.locator("form.dose-form").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Choose what happened to the dose.")).to_be_visible()
    page.get_by_label("Refused").check()
    page.locator("form.dose-form").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Say why the dose was not given.")).to_be_visible()
    page.get_by_role("textbox", name="Reason").fill("Said her stomach was upset")
    page.locator("form.dose-form").get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Medication (2 of 2 recorded)")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Refused \d\d:\d\d – Said her stomach was upset · waiting to upload"))
    ).to_be_visible()
    badge_pending(page, 3)
    screenshot(page, "medication-visit-offline-phone")
    assert records_of(visit.id) == []

    context.set_offline(False)
    badge_pending(page, 0)
    expect(page.get_by_text(re.compile(r"Refused \d\d:\d\d – Said her stomach was upset$"))).to_be_visible()
    screenshot(page, "medication-visit-synced-phone")
    records = records_of(visit.id)
    assert sorted((r.version.name, r.outcome, r.reason) for r in records) == [
        ("Metformin", "given", None), ("Senna", "refused", "Said her stomach was upset")]
    queued = {q["key"] for q in page.evaluate(OUTBOX_KEYS) if q["visit_id"] == visit.id}
    assert {r.idempotency_key for r in records} <= queued

    # The answers are lost and the phone sends everything again: still one record per dose.
    page.evaluate(FORGET_ANSWERS)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(lambda: {q["state"] for q in page.evaluate(OUTBOX_KEYS)} == {"duplicate"}, page)
    assert len(records_of(visit.id)) == 2


def test_coordinator_keeps_the_list_and_prints_the_mar_chart(open_context, app, tmp_path):
    from pypdf import PdfReader

    from tests.e2e.conftest import DESKTOP, signed_in
    from tests.e2e.test_e2e_desk import download

    world = seed_medicines()
    client = world.alpha.clients[0]
    page = signed_in(open_context, world.alpha.admin, size=DESKTOP)
    expect(page.get_by_role("heading", name=re.compile("roster", re.I)).first).to_be_visible()
    page.goto(f"/#/clients/{client.id}/medication")
    expect(page.get_by_role("heading", name="Medication: AlphaClient1")).to_be_visible()
    expect(page.locator(f'[data-medication="{world.levodopa.id}"]')).to_contain_text("1 tablet, 10:00 daily")

    form = page.locator("form.medicine-form")
    form.get_by_label("Name").fill("Metformin")
    form.get_by_label("NHS dm+d code (optional)").fill("12AB")
    form.get_by_label("Dose").fill("1 tablet")
    form.get_by_label("Due at local times").fill("08:00, 18:00")
    form.get_by_role("button", name="Add medicine").click()
    expect(page.get_by_text("dmd_code: An NHS dm+d code is 6 to 18 digits")).to_be_visible()
    form.get_by_label("NHS dm+d code (optional)").fill("325278006")
    form.get_by_role("button", name="Add medicine").click()
    expect(page.get_by_text("Added Metformin.")).to_be_visible()

    page.locator(f'[data-medication="{world.levodopa.id}"]').get_by_role("button", name="Change").click()
    form = page.locator("form.medicine-form")
    expect(form.get_by_role("heading", name="Change Levodopa")).to_be_visible()
    form.get_by_label("Dose").fill("2 tablets")
    form.get_by_label("Why it changed").fill("Neurologist review")
    form.get_by_role("button", name="Save change").click()
    expect(page.get_by_text("Saved the change to Levodopa.")).to_be_visible()
    row = page.locator(f'[data-medication="{world.levodopa.id}"]')
    expect(row).to_contain_text("2 tablets, 10:00 daily")
    row.get_by_text("History (versions: 2)").click()
    expect(row).to_contain_text("Neurologist review")
    page.get_by_label("The client agrees that their family may see").check()
    expect(page.get_by_text("Family members can now see dose outcomes.")).to_be_visible()
    screenshot(page, "medication-list-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "medication-list-phone")

    pdf = download(page, "MAR chart (PDF)", tmp_path)
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Medication administration record - AlphaClient1" in text and "Levodopa" in text


def test_family_sees_doses_given_or_refused_and_the_council_reads_the_kpi(open_context, app):
    from datetime import timedelta

    from tests.builders import dose
    from tests.e2e.conftest import DESKTOP, signed_in

    world = seed_medicines()
    a = world.alpha
    delivered = world.visit_delivered  # began before now, whatever the hour
    dose(a.worker_users[1], delivered, world.paracetamol, slot=None, prn_reason="Headache",
         at=delivered.planned_start + timedelta(minutes=5))
    a.clients[0].medication_shared_with_family = True
    db.session.commit()

    page = signed_in(open_context, a.family, size=PHONE)
    line = page.locator(f'.visit-line[data-visit-id="{delivered.id}"]')
    expect(line).to_contain_text(re.compile(r"Paracetamol \(as required\): given \d\d:\d\d"))
    screenshot(page, "medication-family-phone")

    page = signed_in(open_context, world.officer, size=DESKTOP)
    panel = page.locator('[data-report="medication"]')
    expect(panel).to_contain_text("Each provider: doses due at visits")
    screenshot(page, "medication-kpi-desktop")
