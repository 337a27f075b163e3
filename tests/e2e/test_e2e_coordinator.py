"""The coordinator runs the day from the roster: plans, reschedules, reassigns and cancels visits through the
dialog and sees the conflicts that follow; explains a missed visit; reads the day's messages; the board is true
to scale and the map draws without a tile server. In English and Welsh, at phone and desktop size."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.config import load_settings
from server.db_types import utcnow
from server.extensions import db
from server.monitoring.scans import scan
from server.notify.sender import drain
from server.visits.models import Visit
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, log_in, signed_in
from tests.e2e.seed import seed_today
from tests.e2e.test_e2e_shell import check_screen
from tests.factories import HOME
from tests.notify.fakes import Delivering, Refusing

pytestmark = pytest.mark.e2e


def console_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def board_block(page, visit):
    return page.locator(f'.block[data-visit-id="{visit.id}"]')


def test_board_is_true_to_scale_with_shared_lanes_and_no_console_errors(open_context, app):
    world = seed_today()
    w0 = world.alpha.workers[0]
    # Worker 1's 10:00 visit made 90 minutes: three times the 30-minute ones, still in one lane with them.
    world.visit_online.planned_minutes = 90
    w0.last_lat, w0.last_lon, w0.last_seen_at = HOME[0], HOME[1], utcnow() + timedelta(hours=2)  # a fast phone clock
    db.session.commit()
    context, _ = open_context(DESKTOP)
    page = context.new_page()
    errors = console_errors(page)
    log_in(page, world.alpha.coordinator.email, None)
    long_one, short_one = board_block(page, world.visit_online), board_block(page, world.visit_offline)
    expect(long_one).to_be_visible()
    hour_px = float(page.locator(".board").get_attribute("data-hour-px"))
    long_w, short_w = long_one.bounding_box()["width"], short_one.bounding_box()["width"]
    assert long_w == pytest.approx(90 / 60 * hour_px, abs=1) and short_w == pytest.approx(30 / 60 * hour_px, abs=1)
    assert long_w / short_w == pytest.approx(3, rel=0.02)
    row = page.locator(f'.board-row[data-worker-id="{w0.id}"]')
    lanes = row.locator(".block").evaluate_all("(els) => els.map((e) => [e.dataset.visitId, e.dataset.lane])")
    evening = str(world.visit_evening.id)
    assert {lane for vid, lane in lanes if vid != evening} == {"0"}  # none of them overlaps another
    # Left edges on the scale: 12:00 is two hours (2 x hour_px) right of 10:00.
    assert short_one.bounding_box()["x"] - long_one.bounding_box()["x"] == pytest.approx(2 * hour_px, abs=1)
    # Last seen never in the future: shown as now at the latest.
    seen = page.get_by_role("list", name="Workers' last known positions").locator(f'li[data-worker-id="{w0.id}"]')
    shown = re.search(r"seen (\d\d:\d\d)", seen.text_content()).group(1)
    assert shown <= page.evaluate("() => new Intl.DateTimeFormat('en-GB', {timeZone: 'Europe/London', hour: '2-digit', "
                                  "minute: '2-digit', hourCycle: 'h23'}).format(new Date())")
    # The map is drawn without any tile server: homes and the carer on a plain outline with postcode sectors.
    figure = page.locator(".map-figure")
    expect(figure).to_have_attribute("data-state", "vector")
    expect(figure.locator(".marker-home")).to_have_count(2)
    expect(figure.locator(f'.marker-worker[data-worker-id="{w0.id}"]')).to_have_count(1)
    expect(figure.locator(".postcode-label").first).to_have_text("LA9 4")
    assert figure.locator(".grid-line").count() >= 2
    check_screen(page, "coordinator-roster", "desktop")
    figure.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "coordinator-vector-map-desktop.png"))
    page.set_viewport_size(PHONE)
    expect(long_one).to_be_visible()
    check_screen(page, "coordinator-roster", "phone")
    assert errors == []


def open_dialog_for(page, visit):
    board_block(page, visit).click()
    expect(page.locator(".detail")).to_contain_text(re.compile(f"{visit.planned_minutes} min"))
    expect(page.locator("#detail-title")).to_have_text(visit.client.name)
    page.get_by_role("button", name="Change, reassign or cancel").click()
    return page.get_by_role("dialog")


def test_plan_reschedule_reassign_and_cancel_with_conflict_warnings(open_context, app):
    world = seed_today()
    a = world.alpha
    w0, w1 = a.workers
    page = signed_in(open_context, a.coordinator)
    errors = console_errors(page)

    # Plan: a new visit for client 2 at 10:15 with worker 1, who is at client 1 from 10:00 to 10:30.
    page.get_by_role("button", name="New visit").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Client").select_option(str(a.clients[1].id))
    dialog.get_by_label("Start").fill("10:15")
    dialog.get_by_label("Length (min)").fill("45")
    dialog.get_by_label(w0.name).check()
    dialog.get_by_label("Tasks").fill("Shopping\nLunch")
    check_screen(page, "coordinator-visit-dialog", "desktop")
    dialog.get_by_role("button", name="Plan visit").click()
    warning = dialog.get_by_role("alert")
    expect(warning).to_contain_text("Saved. Check these before the day:")
    expect(warning).to_contain_text(f"{w0.name} is booked on two visits at once")
    expect(warning).to_contain_text("overlap by 15 min")
    check_screen(page, "coordinator-conflict-warning", "desktop")
    dialog.get_by_role("button", name="Close").click()
    created = db.session.scalars(select(Visit).order_by(Visit.id.desc())).first()
    assert (created.client_id, created.planned_minutes, created.tasks) == (a.clients[1].id, 45, ["Shopping", "Lunch"])
    conflicts = page.get_by_role("region", name=re.compile("^Conflicts"))
    expect(conflicts).to_contain_text("booked on two visits at once")
    expect(board_block(page, created)).to_have_attribute("data-conflict", "double_booked")
    # Overlapping visits of one carer take separate lanes.
    assert board_block(page, created).get_attribute("data-lane") != board_block(page, world.visit_online).get_attribute(
        "data-lane"
    )

    # Reschedule it to 11:00: the conflict is gone.
    dialog = open_dialog_for(page, created)
    dialog.get_by_label("Start").fill("11:00")
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_have_count(0)
    expect(board_block(page, created)).not_to_have_attribute("data-conflict", "double_booked")
    db.session.expire_all()
    assert db.session.get(Visit, created.id).planned_start.astimezone().minute == 0

    # Reassign worker 2's 16:00 visit to worker 1.
    dialog = open_dialog_for(page, world.visit_late)
    dialog.get_by_label(w1.name).uncheck()
    dialog.get_by_label(w0.name).check()
    dialog.get_by_role("button", name="Save changes").click()
    expect(
        page.locator(f'.board-row[data-worker-id="{w0.id}"] .block[data-visit-id="{world.visit_late.id}"]')
    ).to_be_visible()
    db.session.expire_all()
    assert [x.worker_id for x in db.session.get(Visit, world.visit_late.id).active_assignments] == [w0.id]

    # Drag worker 1's 12:00 visit onto worker 2's row at 13:00.
    noon = db.session.get(Visit, world.visit_offline.id).planned_start
    board = page.locator(".board")
    first, hour_px = int(board.get_attribute("data-first-minute")), float(board.get_attribute("data-hour-px"))
    board.evaluate(f"(el) => {{ el.scrollLeft = {(12 * 60 - first) / 60 * hour_px - 200}; }}")
    target = page.locator(f'.board-row[data-worker-id="{w1.id}"] .track')
    board_block(page, world.visit_offline).drag_to(target, source_position={"x": 5, "y": 10},
                                                   target_position={"x": (13 * 60 - first) / 60 * hour_px + 5, "y": 8})
    expect(page.get_by_role("status").filter(has_text="AlphaClient2's visit moved to 13:00")).to_be_visible()
    expect(
        page.locator(f'.board-row[data-worker-id="{w1.id}"] .block[data-visit-id="{world.visit_offline.id}"]')
    ).to_be_visible()
    db.session.expire_all()
    dragged = db.session.get(Visit, world.visit_offline.id)
    assert [x.worker_id for x in dragged.active_assignments] == [w1.id]
    assert dragged.planned_start == noon + timedelta(hours=1)

    # Cancel needs a reason; with one, the visit is cancelled and the reason shown.
    dialog = open_dialog_for(page, created)
    dialog.get_by_role("button", name="Cancel visit").click()
    assert dialog.get_by_label("Why is it cancelled?").evaluate("(el) => el.validity.valueMissing") is True
    expect(board_block(page, created)).to_have_attribute("data-status", "scheduled")
    dialog.get_by_label("Why is it cancelled?").fill("Client in hospital")
    dialog.get_by_role("button", name="Cancel visit").click()
    expect(board_block(page, created)).to_have_attribute("data-status", "cancelled")
    expect(page.locator(".detail")).to_contain_text("Cancelled: Client in hospital")
    db.session.expire_all()
    assert db.session.get(Visit, created.id).cancel_reason == "Client in hospital"
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "visit", AuditEntry.object_id == str(created.id))
    ).all()
    assert actions.count("visit.update") == 2 and "visit.create" in actions
    assert errors == []


def test_missed_visit_reason_and_the_message_log(open_context, app):
    world = seed_today()
    a = world.alpha
    visit = world.visit_late
    settings = load_settings()
    # The family was told the carer was late (the mail server refused it), then that the visit was missed (delivered).
    scan(visit.planned_start + timedelta(minutes=31), settings)
    drain({"email": Refusing()}, visit.planned_start + timedelta(minutes=31), max_attempts=1)
    scan(visit.planned_start + timedelta(minutes=61), settings)
    drain({"email": Delivering()}, visit.planned_start + timedelta(minutes=61))
    page = signed_in(open_context, a.coordinator)
    errors = console_errors(page)
    block = board_block(page, visit)
    expect(block).to_have_attribute("data-status", "missed")
    assert "missed, reason needed" in block.get_attribute("aria-label")
    block.click()
    detail = page.locator(".detail")
    expect(detail).to_contain_text("This visit was missed: choose the reason")
    form = detail.locator("form[data-exception-id]")
    form.get_by_label("Reason").select_option("client_in_hospital")
    form.get_by_role("button", name="Resolve").click()
    expect(detail).to_contain_text("Missed: Client in hospital")
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).reasons[-1]["code"] == "client_in_hospital"

    page.get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", name="Messages")).to_be_visible()
    items = page.locator(".message-item")
    expect(items.first).to_be_visible()
    missed = items.filter(has_text="Nobody has arrived for AlphaClient1's visit planned for 16:00")
    expect(missed).to_have_count(1)
    expect(missed).to_contain_text("Delivered")
    expect(missed).to_contain_text("to Family (f•••@alpha.example)")
    expect(missed).to_contain_text("About AlphaClient1's 16:00 visit")
    delay = items.filter(has_text="AlphaClient1's carer is running late").filter(has_text="16:00 visit")
    expect(delay).to_contain_text("Failed")
    page.get_by_role("button", name=re.compile(r"^Failed \(\d+\)")).click()
    expect(page.locator('.message-item:not([data-state="failed"])')).to_have_count(0)
    expect(items.first).to_be_visible()
    check_screen(page, "coordinator-messages", "desktop")
    page.set_viewport_size(PHONE)
    check_screen(page, "coordinator-messages", "phone")
    assert errors == []


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_desk_and_messages_in_welsh(open_context, app, size):
    world = seed_today()
    context, _ = open_context({"phone": PHONE, "desktop": DESKTOP}[size])
    context.add_init_script("try { localStorage.setItem('caremon.lang', 'cy'); } catch (e) { /* about:blank */ }")
    page = context.new_page()
    errors = console_errors(page)
    log_in(page, world.alpha.coordinator.email, None)
    expect(page.get_by_role("heading", name="Rota")).to_be_visible()
    expect(page.get_by_role("region", name="Bwrdd y rota")).to_be_visible()
    expect(page.get_by_role("region", name="Ble mae pawb")).to_contain_text("gwelwyd")
    check_screen(page, "coordinator-roster-cy", size)
    page.get_by_role("button", name="Ymweliad newydd").click()
    expect(page.get_by_role("dialog")).to_contain_text("Cynllunio ymweliad")
    check_screen(page, "coordinator-visit-dialog-cy", size)
    page.get_by_role("dialog").get_by_role("button", name="Cau").click()
    page.goto("/#/messages")
    expect(page.get_by_role("heading", name="Negeseuon")).to_be_visible()
    check_screen(page, "coordinator-messages-cy", size)
    assert errors == []
