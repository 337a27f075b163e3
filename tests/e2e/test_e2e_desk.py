"""Desktop and family screens: the coordinator's live board, exceptions and feedback; the family's
view of a delay and their rating; the council's export downloads and KPI charts."""
from __future__ import annotations

import base64
import csv
import io
import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from server.db_types import utcnow
from server.directory.models import FamilyLink
from server.extensions import db
from server.feedback.models import VisitFeedback
from server.monitoring.models import Alert
from server.notify.models import Notification, PushSubscription
from server.timeutil import to_local
from server.visits.models import Visit, VisitException
from server.visits.service import record_event
from tests.e2e.conftest import PHONE, log_in, screenshot, signed_in
from tests.e2e.seed import mark_late, scan_at, seed_today
from tests.e2e.test_e2e_shell import check_screen
from tests.factories import HOME

pytestmark = pytest.mark.e2e

LATE_RED = "rgb(179, 32, 28)"


def test_board_shows_a_visit_turning_late_in_red_without_reload(open_context, app):
    world = seed_today()
    visit = world.visit_late
    page = signed_in(open_context, world.alpha.coordinator)
    block = page.locator(f'.block[data-visit-id="{visit.id}"]')
    expect(block).to_have_attribute("data-status", "scheduled")
    expect(block).to_contain_text("Scheduled")
    assert page.locator(".board-row").count() == 2
    page.evaluate("() => { window.__sameDocument = true; }")

    mark_late(visit)
    expect(block).to_have_attribute("data-status", "late", timeout=15000)  # the next 10-second poll
    expect(block).to_contain_text("Late")
    assert block.evaluate("(el) => getComputedStyle(el).backgroundColor") == LATE_RED
    assert page.evaluate("() => window.__sameDocument") is True  # refreshed in place, not reloaded
    delivered = page.locator(f'.block[data-visit-id="{world.visit_delivered.id}"]')
    expect(delivered).to_contain_text("Done")
    block.scroll_into_view_if_needed()
    screenshot(page, "coordinator-board-late-desktop")

    alerts = page.get_by_role("region", name=re.compile("^Alerts"))
    alert = alerts.locator(f'li[data-kind="late"][data-visit-id="{visit.id}"]')
    expect(alert).to_contain_text("AlphaClient1 (16:00 visit): No check-in 30 minutes after planned start")
    alert.get_by_role("button", name="Acknowledge: Late, AlphaClient1").click()
    expect(alert).to_have_count(0)
    db.session.expire_all()
    [late] = db.session.scalars(select(Alert).where(Alert.visit_id == visit.id, Alert.kind == "late")).all()
    assert late.acknowledged_by == world.alpha.coordinator.id and late.acknowledged_at is not None


def test_coordinator_resolves_an_exception_and_reads_family_feedback(open_context, app):
    world = seed_today()
    a = world.alpha
    visit = world.visit_denied
    record_event(
        worker_id=a.workers[0].id,
        visit_id=visit.id,
        now=utcnow(),
        data={
            "idempotency_key": str(uuid.uuid4()),
            "kind": "check_in",
            "device_time": visit.planned_start + timedelta(minutes=2),
        },
    )
    db.session.add(
        VisitFeedback(
            visit_id=world.visit_delivered.id,
            user_id=a.family.id,
            rating=4,
            comment="Mum enjoyed the chat",
            created_at=utcnow(),
        )
    )
    db.session.commit()

    page = signed_in(open_context, a.coordinator)
    queue = page.get_by_role("region", name=re.compile("Exceptions to resolve"))
    expect(queue.locator(f'li[data-visit-id="{visit.id}"]')).to_contain_text("No location on check-in/out")
    queue.get_by_role("button", name=re.compile("Review AlphaClient2")).click()
    detail = page.get_by_role("region", name="AlphaClient2")
    expect(detail).to_contain_text("Checked in")
    expect(detail).to_contain_text("no location")
    screenshot(page, "coordinator-exception-desktop")
    form = detail.locator("form[data-exception-id]")
    form.get_by_label("Reason").select_option("no_signal")
    form.get_by_label("Note").fill("Known black spot on this street")
    form.get_by_role("button", name="Resolve").click()
    expect(detail.get_by_text("Resolved: No location on check-in/out.")).to_be_visible()
    expect(queue).to_contain_text("No open exceptions.", timeout=15000)
    db.session.expire_all()
    [exc] = db.session.scalars(select(VisitException).where(VisitException.visit_id == visit.id)).all()
    assert exc.resolved_at is not None and exc.resolution == "no_signal: Known black spot on this street"
    assert exc.resolved_by == a.coordinator.id

    page.locator(f'.block[data-visit-id="{world.visit_delivered.id}"]').click()
    feedback = page.get_by_role("region", name="AlphaClient1")
    expect(feedback).to_contain_text("4 of 5 from Family")
    expect(feedback).to_contain_text("“Mum enjoyed the chat”")
    screenshot(page, "coordinator-feedback-desktop")


def test_family_sees_the_delay_and_says_how_a_visit_went(open_context, app):
    world = seed_today()
    mark_late(world.visit_late)
    page = signed_in(open_context, world.alpha.family, PHONE)
    late = page.locator(f'.visit-line[data-visit-id="{world.visit_late.id}"]')
    expect(late).to_contain_text("Running late")
    expect(late).to_contain_text("Carer: Alpha Worker 2")
    expect(late.locator(".chip")).to_contain_text("Late")
    # Visits of the other client (not this family's relative) never show.
    assert page.locator(f'.visit-line[data-visit-id="{world.visit_offline.id}"]').count() == 0
    screenshot(page, "family-phone")

    done = page.locator(f'.visit-line[data-visit-id="{world.visit_delivered.id}"]')
    done.get_by_label("5 of 5").check()
    done.get_by_label("Comment (optional)").fill("Lovely, on time and cheerful")
    done.get_by_role("button", name="Send").click()
    expect(done).to_contain_text("You rated this visit 5 of 5")
    db.session.expire_all()
    [fb] = db.session.scalars(select(VisitFeedback)).all()
    assert (fb.visit_id, fb.user_id, fb.rating, fb.comment) == (
        world.visit_delivered.id, world.alpha.family.id, 5, "Lovely, on time and cheerful")


def test_family_sees_the_new_expected_time_of_a_delayed_visit(open_context, app):
    world = seed_today()
    visit = world.visit_late
    carer = world.alpha.workers[1]
    # Last seen 25 km away half an hour before a visit they cannot reach in time: the scan predicts the delay.
    scanned = visit.planned_start - timedelta(minutes=30)
    carer.last_lat, carer.last_lon, carer.last_seen_at = HOME[0] + 0.2248, HOME[1], scanned
    db.session.commit()
    assert scan_at(visit, -30)["predicted_delay"] == 1
    [alert] = db.session.scalars(select(Alert).where(Alert.visit_id == visit.id, Alert.kind == "predicted_delay")).all()
    # 25 km straight, 32.5 by road (the travel model's factor 1.3) at 30 km/h by car: 65 minutes from 30 before.
    assert (
        visit.planned_start + timedelta(minutes=30)
        < alert.expected_arrival
        < visit.planned_start + timedelta(minutes=40)
    )
    five = 300
    about = datetime.fromtimestamp(round(alert.expected_arrival.timestamp() / five) * five, tz=timezone.utc)
    said = f"Running late — now expected about {to_local(about, 'Europe/London'):%H:%M} (due 16:00)"

    # Before the visit is due: still scheduled, but the family already knows the new time.
    page = signed_in(open_context, world.alpha.family, PHONE)
    line = page.locator(f'.visit-line[data-visit-id="{visit.id}"]')
    expect(line.locator(".delay")).to_contain_text(said)
    expect(line.locator(".chip")).to_have_text("Scheduled, delay expected")
    # Once the scheduler marks it late, the estimate still stands beside the late status.
    mark_late(visit)
    page.reload()
    expect(line.locator(".chip")).to_have_text("Late")
    expect(line.locator(".delay")).to_contain_text(said)
    expect(page.get_by_role("region", name="Next visit")).to_contain_text("now expected about")
    check_screen(page, "family-delay-expected", "phone")


def download(page, button: str, folder) -> Path:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_council_downloads_exports_that_parse_and_sees_kpi_charts(open_context, app, tmp_path):
    world = seed_today()
    page = signed_in(open_context, world.officer)
    expect(page.locator(".chart svg").first).to_be_visible()
    assert page.locator(".chart svg[role=img]").count() >= 6
    expect(page.get_by_role("figure").filter(has_text="Punctuality by week")).to_contain_text("On time")
    screenshot(page, "council-kpis-desktop")
    page.get_by_label("Contract", exact=True).select_option(str(world.alpha.contract.id))
    expect(page.get_by_label("Provider", exact=True)).to_have_value(str(world.alpha.provider.id))
    page.get_by_role("button", name="Show").click()
    alpha = select(func.count()).select_from(Visit).where(Visit.contract_id == world.alpha.contract.id)

    rows = list(
        csv.DictReader(io.StringIO(download(page, "Punctuality (CSV)", tmp_path).read_text(encoding="utf-8-sig")))
    )
    assert {"week", "visits", "on_time", "late", "missed"} <= set(rows[0])
    assert sum(int(r["visits"]) for r in rows if r["week"] != "total") == db.session.scalar(alpha) == 8

    # Payable time in all three formats: the same rows whichever is chosen, all of them Alpha's contract.
    csv_rows = [
        r
        for r in csv.DictReader(
            io.StringIO(download(page, "Payable time (CSV)", tmp_path).read_text(encoding="utf-8-sig"))
        )
        if r["row_kind"] != "total"
    ]
    assert csv_rows and {r["contract_id"] for r in csv_rows} == {str(world.alpha.contract.id)}
    assert {r["visit_id"] for r in csv_rows if r["row_kind"] == "visit"} == {
        str(v) for v in db.session.scalars(select(Visit.id).where(Visit.contract_id == world.alpha.contract.id))}
    as_json = json.loads(download(page, "Payable time (JSON)", tmp_path).read_text())
    assert len(as_json["rows"]) == len(csv_rows)
    sheet = list(
        openpyxl.load_workbook(download(page, "Payable time (Excel)", tmp_path), read_only=True)["Rows"].values
    )
    assert list(sheet[0]) == list(csv_rows[0]) and len(sheet) - 1 == len(csv_rows)
    expect(page.get_by_text(re.compile(r"Downloaded caremon-payable-.*\.xlsx"))).to_be_visible()


# The browser's push service is out of reach in a sealed test run; the page's side of the handshake is
# real: it must fetch the VAPID key, subscribe with it, and hand the subscription to the server.
FAKE_PUSH = """
(() => {
  const json = {endpoint: 'https://push.example.net/caremon-e2e', keys: {p256dh: 'B'.repeat(87), auth: 'A'.repeat(22)}};
  let current = null;
  PushManager.prototype.subscribe = async function (options) {
    window.__applicationServerKey = Array.from(new Uint8Array(options.applicationServerKey));
    current = {endpoint: json.endpoint, toJSON: () => json, unsubscribe: async () => { current = null; return true; }};
    return current;
  };
  PushManager.prototype.getSubscription = async function () { return current; };
})();
"""


def test_family_switches_on_push_and_sets_quiet_hours(open_context, app, push_dns):
    world = seed_today()
    family = world.alpha.family
    context, _ = open_context(PHONE, permissions=["notifications"])
    context.add_init_script(FAKE_PUSH)
    page = context.new_page()
    log_in(page, family.email, None)
    panel = page.get_by_role("region", name="Delay messages")
    panel.get_by_role("button", name="Tell me on this device when a carer is delayed").click()
    expect(panel).to_contain_text("This device will show a notification when a carer is running late")
    expect(panel.get_by_role("button", name="Notifications are on for this device")).to_be_disabled()

    key = page.request.get("/api/v1/notify/vapid-public-key").json()["public_key"]
    sent = bytes(page.evaluate("() => window.__applicationServerKey"))
    assert sent == base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)) and sent[0] == 4 and len(sent) == 65
    db.session.expire_all()
    [sub] = db.session.scalars(select(PushSubscription)).all()
    assert (sub.user_id, sub.endpoint) == (family.id, "https://push.example.net/caremon-e2e")
    link = db.session.scalar(select(FamilyLink).where(FamilyLink.user_id == family.id))
    assert "push" in link.channels

    panel.get_by_text("Message settings: channels and quiet hours").click()
    panel.get_by_label("Email").uncheck()
    panel.get_by_label("From").fill("21:30")
    panel.get_by_label("To").fill("07:00")
    screenshot(page, "family-settings-phone")
    panel.get_by_role("button", name="Save message settings").click()
    expect(panel.get_by_text("Saved.")).to_be_visible()
    db.session.expire_all()
    link = db.session.scalar(select(FamilyLink).where(FamilyLink.user_id == family.id))
    assert (link.channels, link.quiet_from, link.quiet_to, link.opted_out) == (["push"], "21:30", "07:00", False)


def test_coordinator_sends_again_a_message_that_never_arrived(open_context, app):
    world = seed_today()
    visit = world.visit_late
    failed = Notification(dedupe_key=f"delay:{visit.id}:e2e", channel="email", recipient="family@alpha.example",
                          visit_id=visit.id, kind="delay", subject="Your mother's carer is running late",
                          body="The carer is running late.", status="failed", attempts=20, next_attempt_at=utcnow(),
                          last_error="SMTP connection refused")
    db.session.add(failed)
    db.session.commit()
    page = signed_in(open_context, world.alpha.coordinator)
    panel = page.locator('section[aria-labelledby="undelivered-title"]')
    expect(panel.locator("h2")).to_contain_text("Messages not delivered 1")
    row = panel.locator(f'li[data-notification-id="{failed.id}"]')
    expect(row).to_contain_text("Not delivered")
    expect(row).to_contain_text("email to family@alpha.example")
    expect(row).to_contain_text("SMTP connection refused")
    check_screen(page, "coordinator-undelivered", "desktop")
    row.get_by_label("Why send it again").fill("Mail server back up")
    row.get_by_role("button", name="Send again").click()
    expect(panel).to_contain_text("Every message got through.")
    db.session.expire_all()
    resent = db.session.get(Notification, failed.id)
    assert (resent.status, resent.attempts) == ("pending", 0)
