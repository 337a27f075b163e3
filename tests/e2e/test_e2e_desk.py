"""Desktop and family screens: the coordinator's live board, exceptions and feedback; the family's
view of a delay and their rating; the council's export downloads and KPI charts."""
from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from server.db_types import utcnow
from server.extensions import db
from server.feedback.models import VisitFeedback
from server.visits.models import Visit, VisitException
from server.visits.service import record_event
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.e2e.seed import mark_late, seed_today

pytestmark = pytest.mark.e2e

LATE_RED = "rgb(179, 32, 28)"


def signed_in(open_context, user, size=DESKTOP):
    context, _ = open_context(size)
    page = context.new_page()
    log_in(page, user.email, None)
    return page


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


def test_coordinator_resolves_an_exception_and_reads_family_feedback(open_context, app):
    world = seed_today()
    a = world.alpha
    visit = world.visit_denied
    record_event(worker_id=a.workers[0].id, visit_id=visit.id, now=utcnow(), data={
        "idempotency_key": str(uuid.uuid4()), "kind": "check_in", "device_time": visit.planned_start + timedelta(minutes=2)})
    db.session.add(VisitFeedback(visit_id=world.visit_delivered.id, user_id=a.family.id, rating=4,
                                 comment="Mum enjoyed the chat", created_at=utcnow()))
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


def test_council_downloads_an_export_that_parses_and_sees_kpi_charts(open_context, app, tmp_path):
    world = seed_today()
    page = signed_in(open_context, world.officer)
    expect(page.locator(".chart svg").first).to_be_visible()
    assert page.locator(".chart svg[role=img]").count() >= 6
    expect(page.get_by_role("figure").filter(has_text="Punctuality by week")).to_contain_text("On time")
    screenshot(page, "council-desktop")
    page.get_by_label("Contract", exact=True).select_option(str(world.alpha.contract.id))
    expect(page.get_by_label("Provider")).to_have_value(str(world.alpha.provider.id))
    page.get_by_role("button", name="Show").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Punctuality (CSV)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows and {"week", "visits", "on_time", "late", "missed"} <= set(rows[0])
    alpha_visits = db.session.scalar(select(func.count()).select_from(Visit).where(Visit.contract_id == world.alpha.contract.id))
    assert sum(int(r["visits"]) for r in rows if r["week"] != "total") == alpha_visits == 8
