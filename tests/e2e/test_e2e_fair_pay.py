"""Fair pay in the browser: the officer's and provider admin's table per carer and day, and a care worker's own
day record, at phone and desktop size, in English and Welsh; each figure on screen is the API's."""
from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from server.db_types import utcnow
from server.extensions import db
from server.timeutil import local_wall_time_to_utc, to_local
from server.visits.models import VisitAssignment
from tests.e2e.conftest import DESKTOP, PHONE, signed_in
from tests.e2e.test_e2e_desk import download
from tests.e2e.test_e2e_shell import check_screen
from tests.factories import make_world, visit_for

pytestmark = pytest.mark.e2e
ZONE = "Europe/London"
SIZES = {"phone": PHONE, "desktop": DESKTOP}
# Also runs in documents without storage (about:blank), where reading localStorage throws.


def seed():
    """Yesterday: Alpha's worker 1 does two visits at two homes (1100p/h: below the minimum), worker 2 one
    (their own 2000p/h: above it)."""
    day = to_local(utcnow(), ZONE).date() - timedelta(days=1)
    world = make_world(start=local_wall_time_to_utc(day, "07:00", ZONE))
    a = world.alpha
    a.clients[1].lat, a.clients[1].lon = 54.3400, -2.7300
    a.provider.hourly_rate_minor = 1100
    a.workers[1].hourly_rate_minor = 2000
    a.workers[0].staff_ref = "AL-01"

    def timed(client, hhmm, minutes, worker, late=0):
        v = visit_for(client, local_wall_time_to_utc(day, hhmm, ZONE), minutes=minutes, workers=[worker])
        v.status = "completed"
        assignment = db.session.query(VisitAssignment).filter_by(visit_id=v.id).one()
        assignment.checked_in_at = v.planned_start + timedelta(minutes=late)
        assignment.checked_out_at = assignment.checked_in_at + timedelta(minutes=minutes)
        return v

    for v in a.visits:  # the factory's undone visits at 07:00
        v.status = "cancelled"
    timed(a.clients[0], "09:00", 30, a.workers[0])
    timed(a.clients[1], "09:50", 45, a.workers[0], late=2)
    timed(a.clients[0], "11:00", 60, a.workers[1])
    db.session.commit()
    world.day = day
    return world



def rows(page) -> list[list[str]]:
    return page.locator("table.fairpay-table").evaluate(
        "(t) => [...t.tBodies[0].rows].map((r) => [...r.cells].map((c) => c.textContent))")


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("size", SIZES)
def test_officer_reads_fair_pay_by_carer_and_day(open_context, app, size, lang):
    world = seed()
    page = signed_in(open_context, world.officer, SIZES[size], lang)
    page.get_by_role("link", name="Tâl teg" if lang == "cy" else "Fair pay", exact=True).click()
    # The desk behind may still be loading its KPIs on a busy machine: allow the report its turn.
    expect(page.locator("table.fairpay-table")).to_be_visible(timeout=20000)
    body = page.request.get("/api/v1/reports/fair-pay", params={
        "date_from": (world.day - timedelta(days=13)).isoformat(), "date_to": world.day.isoformat()}).json()
    worked = {r["worker_id"]: r for r in body["rows"]}
    assert worked[world.alpha.workers[0].id]["below_minimum"] is True
    assert worked[world.alpha.workers[1].id]["below_minimum"] is False
    shown = rows(page)
    assert len(shown) == 2
    assert page.locator('[data-verdict="below"]').count() == 1
    below_row = page.locator("tr.row--below")
    expect(below_row).to_contain_text("AL-01")  # officers see the staff reference, not the name
    expect(below_row).to_contain_text("£" + f"{worked[world.alpha.workers[0].id]['effective_hourly_minor'] / 100:.2f}")
    expect(below_row).to_contain_text("£12.71")
    expect(page.get_by_text("Islaw'r isafswm" if lang == "cy" else "Below minimum").first).to_be_visible()
    check_screen(page, f"fair-pay-{lang}", size)
    page.get_by_label(
        "Dim ond diwrnodau islaw'r isafswm cyflog" if lang == "cy" else "Only days below the minimum wage"
    ).check()
    assert len(rows(page)) == 1
    page.get_by_label("Darparwr" if lang == "cy" else "Provider", exact=True).select_option(str(world.beta.provider.id))
    expect(page.locator('[data-testid="fairpay-empty"]')).to_be_visible()
    expect(page.locator('[data-testid="days"]')).to_have_text("0")


def test_provider_admin_sees_names_and_downloads_the_csv(open_context, app, tmp_path):
    world = seed()
    page = signed_in(open_context, world.alpha.admin, SIZES["desktop"], "en")
    page.get_by_role("link", name="Fair pay").click()
    expect(page.locator("table.fairpay-table")).to_contain_text("Alpha Worker 1")
    expect(page.locator('[data-testid="days-below"]')).to_have_text("1")
    path = download(page, "Download CSV", tmp_path)
    with path.open(newline="") as fh:
        kinds = [line["row_kind"] for line in csv.DictReader(fh)]
    assert kinds == ["day", "day", "carer", "carer", "provider", "total"]


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("size", SIZES)
def test_worker_reads_and_downloads_their_day(open_context, app, size, lang, tmp_path):
    world = seed()
    page = signed_in(open_context, world.alpha.worker_users[0], SIZES[size], lang)
    page.get_by_role("link", name="Cofnod fy niwrnod" if lang == "cy" else "My day record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cofnod fy niwrnod" if lang == "cy" else "My day record")
    page.get_by_label("Diwrnod" if lang == "cy" else "Day", exact=True).fill(world.day.isoformat())
    page.get_by_label("Diwrnod" if lang == "cy" else "Day", exact=True).dispatch_event("change")
    expect(page.locator(".day-visit")).to_have_count(2)
    expect(page.locator(".day-visit").first).to_contain_text("1 AlphaClient1 Street, Kendal")
    expect(page.locator(".day-leg")).to_have_count(1)
    check_screen(page, f"worker-day-{lang}", size)
    if size == "desktop" and lang == "en":
        path = download(page, "Download PDF", tmp_path)
        assert path.read_bytes().startswith(b"%PDF")
