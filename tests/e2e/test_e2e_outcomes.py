"""Payment by outcomes on screen: the officer reads a period's outcome payment and a client's statement, in
English and Welsh; a coordinator records a review as done."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from server.extensions import db
from server.outcomes.models import OutcomeReview
from tests.builders import seed_november
from tests.e2e.conftest import DESKTOP, PHONE, log_in
from tests.e2e.test_e2e_shell import check_screen

pytestmark = pytest.mark.e2e
SIZES = {"phone": PHONE, "desktop": DESKTOP}
# Not on about:blank, whose storage is out of bounds.
WELSH = "if (location.protocol.startsWith('http')) localStorage.setItem('caremon.lang', 'cy')"


def open_as(open_context, user, size, welsh=False):
    context, _ = open_context(SIZES[size])
    if welsh:
        context.add_init_script(WELSH)
    page = context.new_page()
    log_in(page, user.email, None)
    expect(page.locator("#logout")).to_be_visible()  # signed in before going anywhere
    return page


@pytest.mark.parametrize("size", SIZES)
def test_officer_reads_the_outcome_payment_and_a_statement(open_context, world, size):
    w = seed_november(world)
    page = open_as(open_context, w.officer, size)
    page.goto("/#/council/periods")
    page.get_by_role("link", name="Payment by outcomes").click()
    expect(page.get_by_role("heading", name="Payment by outcomes")).to_be_visible()
    line = page.locator(".outcome-line")
    expect(line.locator('[data-testid="retained"]')).to_have_text("£500.00")
    expect(line.locator('[data-testid="released"]')).to_have_text("£89.28")
    expect(line.locator('[data-testid="payable"]')).to_have_text("£9,589.28")
    measures = page.get_by_role("table", name="Outcome measures for Alpha")
    expect(measures.locator("tr", has_text="Reablement packages")).to_contain_text("1 of 2 (50.0%)")
    expect(measures.locator("tr", has_text="Outcome reviews")).to_contain_text("Target missed")
    check_screen(page, "outcome-payments", size)

    page.get_by_role("link", name="AlphaClient1 (REF-AlphaClient1)").click()
    expect(page.get_by_role("heading", name="Outcome statement: AlphaClient1")).to_be_visible()
    expect(page.get_by_text("Improving: 2 → 4")).to_be_visible()
    expect(page.get_by_role("table", name="Progress visit by visit")).to_contain_text("Walked to the corner shop")
    expect(page.get_by_text("Keen to try the bus next week")).to_be_visible()
    expect(page.get_by_role("button", name="Done today")).to_have_count(0)  # officers read, staff record
    check_screen(page, "outcome-statement", size)

    cy = open_as(open_context, w.officer, size, welsh=True)
    cy.goto("/#/council/outcome-payments")
    expect(cy.get_by_role("heading", name="Talu yn ôl canlyniadau")).to_be_visible()
    expect(cy.get_by_role("table", name="Mesurau canlyniadau ar gyfer Alpha")).to_contain_text("1 o 2 (50.0%)")
    check_screen(cy, "outcome-payments-cy", size)
    cy.goto(f"/#/clients/{w.alpha.clients[0].id}/outcomes")
    expect(cy.get_by_text("Yn gwella: 2 → 4")).to_be_visible()
    check_screen(cy, "outcome-statement-cy", size)


def test_coordinator_records_a_review_done(open_context, world):
    w = seed_november(world)
    page = open_as(open_context, w.alpha.coordinator, "desktop")
    page.goto("/#/clients")
    page.get_by_role("link", name="Outcomes for AlphaClient1").click()
    expect(page.get_by_role("heading", name="Outcome statement: AlphaClient1")).to_be_visible()
    page.get_by_role("button", name="Done today").click()
    expect(page.get_by_text("Review saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Done today")).to_have_count(0)
    db.session.expire_all()
    assert db.session.get(OutcomeReview, w.reviews[2].id).done_on is not None
