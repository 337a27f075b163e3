"""Judged visits on screen: the carer's check-out reasons (offline too), the coordinator's flags, pay decision
and missed-visit reason, and the family's week without ratings for visits nobody delivered."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.db_types import utcnow
from server.extensions import db
from server.payments.calendar import BANK_HOLIDAY, WEEKDAY, WEEKEND, PayCalendar
from server.visits.models import Visit, VisitAssignment, VisitException
from server.visits.service import record_event
from tests.e2e.conftest import PHONE, signed_in, wait_until
from tests.e2e.seed import HOME_2, scan_at, seed_today
from tests.e2e.test_e2e_reports import numbers
from tests.e2e.test_e2e_shell import check_screen
from tests.e2e.test_e2e_worker import badge_pending, events_of, worker_page
from tests.factories import HOME

pytestmark = pytest.mark.e2e

# Internal codes that must never reach a screen.
CODES = re.compile(r"\b(check_in|check_out|outside_geofence|unverified_location|tasks_not_done|manual_times|"
                   r"phone_lost_or_broken|client_in_hospital|not_delivered|access_time)\b")


def test_check_out_asks_why_tasks_were_left_and_the_visit_ended_early_offline(open_context, app):
    world = seed_today()
    visit = world.visit_offline  # Lunch, Medication, Check fluids; 30 minutes
    context, page = worker_page(open_context, world, home=HOME_2)
    page.locator(f'.run-item[data-visit-id="{visit.id}"]').click()
    page.get_by_role("button", name="Check in").click()
    page.get_by_role("button", name="Mark Lunch done").click()
    # The tick is stored on the server before the phone goes offline (an empty badge alone may be read
    # before the tick has even joined the queue).
    wait_until(lambda: [e.kind for e in events_of(visit.id)] == ["check_in", "task_done"], page)
    badge_pending(page, 0)

    context.set_offline(True)
    page.get_by_role("button", name="Check out").click()
    form = page.locator("form.checkout-reasons")
    expect(form).to_contain_text("Tasks not ticked: 2 of 3")
    expect(form.locator("fieldset legend")).to_have_text(["Why was “Medication” not done?",
                                                          "Why was “Check fluids” not done?"])
    form.get_by_role("button", name="Check out").click()
    expect(page.get_by_text("Choose why “Medication” was not done.")).to_be_visible()
    form.locator('fieldset[data-task="Medication"]').get_by_label("Client refused").check()
    form.locator('fieldset[data-task="Check fluids"]').get_by_label("Other (say why)").check()
    form.get_by_role("button", name="Check out").click()
    expect(page.get_by_text("Say why “Check fluids” was not done.")).to_be_visible()
    form.locator('fieldset[data-task="Check fluids"]').get_by_label("Note (needed for other)").fill("Jug was full")
    form.get_by_label("Why are you leaving early?").fill("Daughter arrived to take over")
    check_screen(page, "worker-checkout-reasons", "phone")
    form.get_by_role("button", name="Check out").click()
    expect(page.get_by_text(re.compile(r"^Checked out \d\d:\d\d"))).to_be_visible()
    badge_pending(page, 1)
    assert [e.kind for e in events_of(visit.id)] == ["check_in", "task_done"]

    context.set_offline(False)
    badge_pending(page, 0)
    check_out = events_of(visit.id)[-1]
    assert check_out.kind == "check_out"
    assert check_out.payload == {
        "task_reasons": [{"task": "Medication", "reason": "refused", "note": None},
                         {"task": "Check fluids", "reason": "other", "note": "Jug was full"}],
        "short_reason": "Daughter arrived to take over"}
    db.session.expire_all()
    judged = db.session.get(Visit, visit.id)
    assert "short" in judged.flags and "tasks_not_done" in judged.flags
    assert [(r["about"], r.get("task"), r["code"]) for r in judged.reasons] == [
        ("task", "Medication", "refused"), ("task", "Check fluids", "other"), ("short", None, None)]


def test_coordinator_sees_plain_flags_and_accepts_an_off_site_visit_for_pay(open_context, app):
    world = seed_today()
    a = world.alpha
    visit = world.visit_online
    far = (HOME[0] + 0.0198, HOME[1])
    start = visit.planned_start - timedelta(hours=2)
    for kind, at in (("check_in", start), ("check_out", start + timedelta(seconds=7))):
        record_event(worker_id=a.workers[0].id, visit_id=visit.id, now=utcnow(), data={
            "idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at, "lat": far[0], "lon": far[1],
            "accuracy_m": 10.0})
    db.session.commit()

    page = signed_in(open_context, a.coordinator)
    block = page.locator(f'.block[data-visit-id="{visit.id}"]')
    expect(block.locator(".block-flags")).to_have_text("4")
    assert "Away from the home" in block.get_attribute("aria-label")
    queue = page.get_by_role("region", name=re.compile("Exceptions to resolve"))
    expect(queue.locator(f'li[data-visit-id="{visit.id}"]')).to_contain_text("Away from the home")
    block.click()
    detail = page.get_by_role("region", name="AlphaClient1")
    flags = detail.locator(".flags .flag")
    expect(flags).to_have_text(["Started early", "Shorter than planned", "Away from the home", "Tasks not done"])
    expect(detail).to_contain_text("held until resolved")
    assert not CODES.search(detail.inner_text()), CODES.findall(detail.inner_text())
    decision = detail.locator("form.pay-decision")
    decision.get_by_role("button", name="Save decision").click()
    assert db.session.get(Visit, visit.id).pay_decision is None  # nothing chosen, nothing sent
    decision.get_by_label("Accept for pay").check()
    decision.get_by_label("Note").fill("Client confirms the visit; the phone's GPS was wrong")
    check_screen(page, "coordinator-pay-decision", "desktop")
    decision.get_by_role("button", name="Save decision").click()
    expect(detail.get_by_text("Accepted for pay", exact=True)).to_be_visible()
    # 30 min at £25 an hour, enhanced on a weekend or bank holiday: the run's day decides which.
    pay = {WEEKDAY: "£12.50", WEEKEND: "£15.00", BANK_HOLIDAY: "£18.75"}[PayCalendar().day(visit.planned_start).kind]
    expect(detail).to_contain_text(f"30 min, {pay}")
    expect(detail).not_to_contain_text("held until resolved")
    check_screen(page, "coordinator-pay-accepted", "desktop")
    db.session.expire_all()
    saved = db.session.get(Visit, visit.id)
    assert (saved.pay_decision, saved.pay_decided_by) == ("accept", a.coordinator.id)
    assert saved.pay_decision_note == "Client confirms the visit; the phone's GPS was wrong"


def test_coordinator_records_why_a_visit_was_missed(open_context, app):
    world = seed_today()
    a = world.alpha
    visit = world.visit_late
    scan_at(visit, 61)
    page = signed_in(open_context, a.coordinator)
    queue = page.get_by_role("region", name=re.compile("Exceptions to resolve"))
    expect(queue.locator(f'li[data-visit-id="{visit.id}"]')).to_contain_text("Missed: say why")
    queue.get_by_role("button", name=re.compile("Review AlphaClient1, 16:00")).click()
    detail = page.get_by_role("region", name="AlphaClient1")
    form = detail.locator("form[data-exception-id]")
    form.get_by_label("Reason").select_option(label="Client in hospital")
    form.get_by_label("Note").fill("Admitted last night")
    check_screen(page, "coordinator-missed-reason", "desktop")
    form.get_by_role("button", name="Resolve").click()
    expect(detail.get_by_text("Resolved: Client in hospital – Admitted last night")).to_be_visible()
    expect(detail).to_contain_text("Missed: Client in hospital")
    assert not CODES.search(detail.inner_text())
    db.session.expire_all()
    [exc] = db.session.scalars(select(VisitException).where(VisitException.visit_id == visit.id,
                                                            VisitException.kind == "missed")).all()
    assert (exc.reason_code, exc.resolved_by) == ("client_in_hospital", a.coordinator.id)


def test_family_week_is_short_and_rates_only_delivered_visits(open_context, app):
    world = seed_today()
    a = world.alpha
    first = a.visits[0]  # 07:30 at the family's relative's home, still scheduled: the next visit
    db.session.add(VisitAssignment(visit_id=first.id, worker_id=a.workers[1].id, position=2))
    world.visit_late.status = "missed"  # set, not scanned: a scan would also settle the earlier visits
    yesterday = None
    if world.day.weekday() > 0:  # a visit earlier this week, if the week has an earlier day
        from tests.factories import visit_for
        yesterday = visit_for(a.clients[0], world.visit_late.planned_start - timedelta(days=1), workers=[a.workers[0]])
        yesterday.status = "missed"
    db.session.commit()

    page = signed_in(open_context, a.family, PHONE)
    expect(page.locator(".next-visit")).to_contain_text("Alpha Worker 1 and Alpha Worker 2 are coming")
    missed = page.locator(f'.visit-line[data-visit-id="{world.visit_late.id}"]')
    expect(missed).to_contain_text("Nobody has checked in")
    expect(missed.locator("form.rate")).to_have_count(0)
    delivered = page.locator(f'.visit-line[data-visit-id="{world.visit_delivered.id}"]')
    expect(delivered.locator("form.rate")).to_have_count(1)
    if yesterday is not None:
        earlier = page.locator("details.earlier")
        expect(earlier).not_to_have_attribute("open", "")
        expect(page.locator(f'.visit-line[data-visit-id="{yesterday.id}"]')).to_be_hidden()
        earlier.locator("summary").click()
        expect(page.locator(f'.visit-line[data-visit-id="{yesterday.id}"] form.rate')).to_have_count(0)
        earlier.locator("summary").click()
    check_screen(page, "family-week", "phone")


def test_council_officer_filters_by_flag_and_reads_the_verified_share(open_context, app):
    world = seed_today()  # one visit delivered today: 31 minutes of 30, one task of two ticked
    page = signed_in(open_context, world.officer)
    panel = page.locator('section[data-report="flags"]')
    chart = panel.locator("figure").filter(has=page.locator("figcaption", has_text="Verified"))
    expect(chart).to_contain_text("Verified: 100% of 1 completed visit")
    assert numbers(chart)["Tasks not done"] == "1" and numbers(chart)["Started early"] == "0"
    expect(panel.get_by_role("table")).to_contain_text("Alpha")
    page.get_by_label("Flagged").select_option(label="Started early")
    page.get_by_role("button", name="Show").click()
    expect(chart).to_contain_text("Verified: – of 0 completed visits")
    page.get_by_label("Flagged").select_option(label="Tasks not done")
    page.get_by_role("button", name="Show").click()
    expect(chart).to_contain_text("Verified: 100% of 1 completed visit")
    panel.scroll_into_view_if_needed()
    check_screen(page, "council-flags", "desktop")
