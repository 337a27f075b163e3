"""The provider feed in the browser: a provider admin checks a CSV, reads each row's answer, then imports it;
a council officer reads each provider's feed quality beside the KPIs."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from server.directory.models import Client
from server.extensions import db
from server.feed import rejections
from tests.builders import feed_event
from tests.dbstate import snapshot
from tests.e2e.conftest import DESKTOP, PHONE, signed_in
from tests.e2e.test_e2e_reports import table_rows
from tests.e2e.test_e2e_shell import check_screen

pytestmark = pytest.mark.e2e

SIZES = {"phone": PHONE, "desktop": DESKTOP}
CLIENTS = ("ref,contract_reference,name,address,lat,lon,care_package.weekly_minutes,care_package.starts_on\n"
           "C-1,N-A,Mary Jones,\"3 Fell Road, Kendal\",54.33,-2.75,420,2026-12-01\n"
           "C-2,N-A,Bob Smith,4 Fell Road,54.33,-2.75,,\n"
           "C-3,N-B,Ann Other,5 Fell Road,54.33,-2.75,,\n"
           "C-4,N-A,Sue Park,6 Fell Road,54.33,-2.75,x,2026-12-01\n")


@pytest.mark.parametrize("size", SIZES)
def test_admin_checks_a_csv_then_imports_the_accepted_rows(open_context, world, tmp_path, size):
    path = tmp_path / "clients.csv"
    path.write_text(CLIENTS)
    page = signed_in(open_context, world.alpha.admin, SIZES[size])
    page.get_by_role("link", name="Import CSV").click()
    expect(page.get_by_role("heading", name="Import from a spreadsheet")).to_be_visible()
    expect(page.get_by_role("button", name="Import accepted rows")).to_be_disabled()

    before = snapshot()
    page.get_by_label("The file holds").select_option("clients")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_text("4 rows: 2 would be accepted, 2 rejected. Nothing was stored.")).to_be_visible()
    assert table_rows(page, "What each row would be") == [
        ["2", "C-1", "New", ""], ["3", "C-2", "New", ""],
        ["4", "C-3", "Rejected", "contract_reference: Not one of this provider's contracts"],
        ["5", "C-4", "Rejected", "care_package.weekly_minutes: Not a valid integer."]]
    assert snapshot() == before
    check_screen(page, "feed-import", size)

    page.get_by_role("button", name="Import accepted rows").click()
    expect(page.get_by_text("4 rows: 2 accepted, 2 rejected.")).to_be_visible()
    assert [row[2] for row in table_rows(page, "What each row became")] == ["New", "New", "Rejected", "Rejected"]
    db.session.expire_all()
    assert {"Mary Jones", "Bob Smith"} <= set(db.session.scalars(db.select(Client.name)))

    page.get_by_role("button", name="Check file").click()  # the same file again: nothing would change
    expect(page.get_by_text("4 rows: 2 would be accepted, 2 rejected. Nothing was stored.")).to_be_visible()
    assert [row[2] for row in table_rows(page, "What each row would be")] == [
        "Unchanged", "Unchanged", "Rejected", "Rejected"]


@pytest.mark.parametrize("size", SIZES)
def test_officer_reads_each_providers_feed_quality(open_context, world, size):
    a1, a2 = world.alpha.visits
    s = world.start
    for visit, kind, minutes, lag, geofence in ((a1, "check_in", 0, 12, "verified"),
                                                (a1, "check_out", 30, 48, "verified"),
                                                (a2, "check_in", 0, 200, "outside")):
        feed_event(visit, kind, s + timedelta(minutes=minutes), lag, geofence)
    rejections.record(world.alpha.provider.id, "CarerApp", "events",
                      [{"status": "rejected", "error": {"code": "not_found"}}] * 3, s)
    db.session.commit()

    page = signed_in(open_context, world.officer, SIZES[size])
    page.get_by_label("From", exact=True).fill("2026-11-23")
    page.get_by_label("To", exact=True).fill("2026-11-23")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Provider feed quality")).to_be_visible()
    caption = "Events sent by providers' own systems"
    expect(page.locator("caption", has_text=caption)).to_be_visible()
    page.locator("td", has_text="3 events from CarerApp: not found").wait_for()
    assert page.locator("table").filter(has=page.locator("caption", has_text=caption)).evaluate(
        "(t) => [...t.tBodies[0].rows].map((r) => [...r.cells].map((c) => c.textContent))") == [
        ["Alpha", "3", "48 s", "3 min 5 s", "66.7% (2 of 3)", "50% (1 of 2)", "3 events from CarerApp: not found"],
        ["Beta", "0", "—", "—", "—", "—", "None"]]
    page.get_by_role("heading", name="Provider feed quality").scroll_into_view_if_needed()
    check_screen(page, "feed-quality", size)
