"""A council officer in the browser: uploads a provider's invoice from a CSV file and reads its reconciliation line by
line, closes the next payment period (its dates picked so it holds care) and sees its adjustments, in English and
Welsh, at phone and desktop size."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.payments.models import Invoice, PaymentPeriod
from server.visits.models import VisitAssignment
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.e2e.seed import seed_today
from tests.factories import visit_for
from tests.sessions import headers_for

pytestmark = pytest.mark.e2e

WELSH = "if (location.protocol.startsWith('http')) localStorage.setItem('caremon.lang', 'cy');"


def officer_page(open_context, world, size=DESKTOP, welsh=False):
    context, _ = open_context(size)
    if welsh:
        context.add_init_script(WELSH)
    page = context.new_page()
    log_in(page, world.officer.email, None)
    expect(page.locator(".desk-nav")).to_be_visible(timeout=15000)
    return page


def delivered_days_ago(world, days: int):
    """A visit Alpha's first carer delivered some days ago: something a closable period can hold."""
    a = world.alpha
    start = world.visit_delivered.planned_start - timedelta(days=days)
    visit = visit_for(a.clients[0], start, workers=[a.workers[0]])
    visit.status, visit.started_at, visit.ended_at = "completed", start, start + timedelta(minutes=35)
    (assignment,) = visit.assignments
    assignment.checked_in_at, assignment.checked_out_at = start, start + timedelta(minutes=35)
    assignment.check_in_geofence = assignment.check_out_geofence = "verified"
    db.session.commit()
    return visit


def invoice_csv(world) -> bytes:
    delivered, late = world.visit_delivered, world.visit_late
    day = world.day.isoformat()
    return (f"visit_id,client_reference,date,minutes,amount,description\n"
            f"{delivered.id},,{day},45,30.00,Morning call\n"
            f"{late.id},,{day},30,12.50,Afternoon call\n").encode()


def test_officer_uploads_an_invoice_and_reads_it_line_by_line(open_context, app, tmp_path):
    world = seed_today()
    page = officer_page(open_context, world)
    page.get_by_role("link", name="Invoices").click()
    expect(page.get_by_role("heading", name="Providers' invoices")).to_be_visible()
    form = page.locator("form[aria-labelledby=upload-title]")
    form.get_by_label("Contract").select_option(str(world.alpha.contract.id))
    # The dates start where the care does: today's first visit, not an empty month.
    first_visit = world.alpha.visits[0].planned_start.date().isoformat()
    expect(form.get_by_label("Invoice covers from")).to_have_value(first_visit)

    # The template downloads with the columns the format names.
    form.locator("summary", has_text="CSV format and template").click()
    with page.expect_download() as info:
        form.get_by_role("button", name="Download a template (CSV)").click()
    template = tmp_path / "template.csv"
    info.value.save_as(template)
    assert template.read_text().splitlines()[0] == "visit_id,client_reference,date,minutes,amount,description"

    # A file with a bad line: the server's message stands under the file field, and nothing is stored.
    file = form.get_by_label("Invoice file (CSV)")
    file.set_input_files(files=[{"name": "bad.csv", "mimeType": "text/csv",
                                 "buffer": b"visit_id,date,minutes,amount\n1,23-11-2026,30,12.50\n"}])
    form.get_by_role("button", name="Upload and check").click()
    expect(file).to_have_attribute("aria-invalid", "true")
    error = page.locator(f"#{file.get_attribute('aria-describedby').split()[-1]}")
    expect(error).to_contain_text("line 2: date must be YYYY-MM-DD or DD/MM/YYYY")
    assert db.session.scalar(select(Invoice.id)) is None

    file.set_input_files(files=[{"name": "alpha-nov.csv", "mimeType": "application/vnd.ms-excel",
                                 "buffer": invoice_csv(world)}])
    form.get_by_label("Invoice number (optional)").fill("INV-0042")
    form.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_text("Uploaded: 2 lines.")).to_be_visible()
    expect(file).not_to_have_attribute("aria-invalid", "true")
    rec = page.get_by_role("region", name="Reconciliation of invoice INV-0042")
    lines = rec.get_by_role("table", name="Invoice line by line")
    # Only what needs a look at first: the late visit nobody delivered, and the delivered one invoiced too long.
    expect(lines.locator("tbody tr")).to_have_count(2)
    late = lines.locator("tr[data-kind=invoiced_not_delivered]")
    expect(late).to_contain_text("Invoiced, not delivered")
    expect(late).to_contain_text("not delivered (visit scheduled)")
    done = lines.locator("tr[data-kind=mismatched]")
    expect(late.locator("td").nth(1)).to_have_text(str(world.visit_late.id))
    expect(done.locator("td").nth(1)).to_have_text(str(world.visit_delivered.id))
    expect(done).to_contain_text("Differs")
    expect(done).to_contain_text("minutes, amount")
    expect(done).to_contain_text("45 min, 30.00")
    [stored] = db.session.scalars(select(Invoice)).all()
    assert (stored.reference, stored.filename, stored.lines, stored.uploaded_by) == (
        "INV-0042", "alpha-nov.csv", 2, world.officer.id)
    screenshot(page, "council-invoice-desktop")

    phone = officer_page(open_context, world, PHONE)
    phone.goto("/#/council/invoices")
    phone.get_by_role("row", name=re.compile("INV-0042")).get_by_role("button", name="Check it").click()
    expect(phone.get_by_role("region", name="Reconciliation of invoice INV-0042")).to_be_visible()
    phone.get_by_label(re.compile("Show only the lines that need a look")).uncheck()
    expect(phone.get_by_role("table", name="Invoice line by line").locator("tbody tr")).to_have_count(2)
    screenshot(phone, "council-invoice-phone")


def test_officer_closes_the_next_period_and_sees_its_adjustments(open_context, app):
    world = seed_today()
    past = delivered_days_ago(world, 3)
    page = officer_page(open_context, world)
    page.goto("/#/council/periods")
    form = page.locator("form[aria-labelledby=close-title]")
    form.get_by_label("Contract").select_option(str(world.alpha.contract.id))
    first_day = past.planned_start.date().isoformat()
    expect(form.get_by_label("From")).to_have_value(first_day)
    expect(form).to_contain_text("1 visits")
    form.get_by_role("button", name="Close period").click()
    expect(form).to_contain_text("Press Close period again to confirm")
    assert db.session.scalar(select(PaymentPeriod.id)) is None
    form.get_by_role("button", name="Close period").click()
    expect(form.get_by_text(re.compile(r"^Closed .*: 1 rows"))).to_be_visible()
    [period] = db.session.scalars(select(PaymentPeriod)).all()
    assert (period.contract_id, period.date_from.isoformat(), period.closed_by) == (world.alpha.contract.id, first_day,
                                                                                   world.officer.id)
    adjustments = page.get_by_role("region", name=re.compile("^Adjustments: N-A"))
    expect(adjustments).to_contain_text("No correction to this period is waiting.")
    expect(page.get_by_role("table", name="Closed periods, newest first")).to_contain_text("N-A")

    # A coordinator corrects the visit afterwards: the period shows the correction waiting for the next close.
    assignment = db.session.scalar(select(VisitAssignment).where(VisitAssignment.visit_id == past.id))
    correction = {"worker_id": assignment.worker_id, "check_in_at": past.planned_start.isoformat(),
                  "check_out_at": (past.planned_start + timedelta(minutes=45)).isoformat(), "reason_code": "no_signal"}
    answer = app.test_client().post(f"/api/v1/visits/{past.id}/corrections", json=correction,
                                    headers=headers_for(world.alpha.coordinator))
    assert answer.status_code == 201, answer.get_json()
    page.get_by_role("row", name=re.compile("N-A")).get_by_role("button", name="Adjustments").click()
    pending = page.get_by_role("table", name="Corrections to this period waiting for the next close")
    expect(pending).to_contain_text("+10 min")
    screenshot(page, "council-periods-desktop")

    # The what-if pricing starts on the latest closed period.
    expect(page.get_by_label("Closed period", exact=True)).to_have_value(str(period.id))

    phone = officer_page(open_context, world, PHONE)
    phone.goto("/#/council/periods")
    expect(phone.get_by_role("table", name="Closed periods, newest first")).to_be_visible()
    screenshot(phone, "council-periods-phone")


def test_council_desk_in_welsh(open_context, app):
    world = seed_today()
    delivered_days_ago(world, 3)
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = officer_page(open_context, world, size, welsh=True)
        page.get_by_role("link", name="Cyfnodau talu").click()
        expect(page.get_by_role("heading", name="Cyfnodau talu", exact=True)).to_be_visible()
        expect(page.locator("form[aria-labelledby=close-title]")).to_contain_text("Nesaf i'w gau")
        screenshot(page, f"council-periods-cy-{name}")
        page.get_by_role("link", name="Anfonebau").click()
        expect(page.get_by_role("heading", name="Anfonebau darparwyr")).to_be_visible()
        page.get_by_role("button", name="Uwchlwytho a gwirio").click()
        expect(page.get_by_text("Dewiswch ffeil CSV yr anfoneb.")).to_be_visible()
        screenshot(page, f"council-invoice-cy-{name}")
