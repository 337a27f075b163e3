"""The council officer prices a closed period under another rule set and reads what the change would cost."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from server.db_types import utcnow
from server.extensions import db
from server.payments.models import PaymentPeriod, PaymentSnapshot, ServiceAuthorisation
from server.payments.periods import close_period
from server.payments.repricing import reprice
from server.timeutil import to_local
from tests.dbstate import count
from tests.e2e.conftest import DESKTOP, PHONE, signed_in
from tests.e2e.test_e2e_shell import check_screen
from tests.payments.db_helpers import package, setting, visit
from tests.payments.test_periods import officer

pytestmark = pytest.mark.e2e


def seed_last_month():
    """A US payer's contract with last month closed: two personal care visits against 10 authorised units."""
    s = setting("Evv", "us-evv-15min")
    today = to_local(utcnow(), "Europe/London").date()
    last = today.replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    package(s.clients[0], 300, first).service_code = "T1019"
    w = s.workers[0]
    for day, end in ((first + timedelta(days=1), "09:38"), (first + timedelta(days=2), "11:00")):
        visit(s.clients[0], f"{day} 09:00", 60, (w, f"{day} 09:00", f"{day} {end}"))
    db.session.add(ServiceAuthorisation(contract_id=s.contract.id, client_id=s.clients[0].id, service_code="T1019",
                                        date_from=first, date_to=last, units=10, created_by=s.officer.id,
                                        created_at=utcnow()))
    db.session.commit()
    s.period = close_period(officer(s), s.contract, first, last, utcnow())
    db.session.commit()
    return s


def signed(value: int, show=str) -> str:
    """The screen's differences: the sign always shown, a true minus for a fall."""
    return f"{'+' if value > 0 else '−' if value < 0 else ''}{show(abs(value))}"


def money(pence: int) -> str:
    return signed(pence, lambda p: f"{p / 100:.2f}")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_officer_sees_what_another_rule_set_would_cost(open_context, app, size):
    s = seed_last_month()
    expected = reprice(s.period, "actual-by-minute")
    snapshots = count(PaymentSnapshot)
    page = signed_in(open_context, s.officer, PHONE if size == "phone" else DESKTOP)
    page.get_by_role("link", name="Closed periods: what a rule change would cost").click()
    expect(page.get_by_role("heading", name="Closed periods: what a contract change would cost")).to_be_visible()
    page.get_by_label("Rule set", exact=True).select_option("actual-by-minute")
    page.get_by_role("button", name="Price it").click()

    difference = expected["difference"]
    summary = page.locator(".repricing-summary")
    expect(summary.locator("dd.difference")).to_have_text(
        f"{signed(difference['payable_minutes'])} min, {money(difference['amount_pence'])}")
    expect(summary).to_contain_text(f"Under actual-by-minute{expected['repriced']['payable_minutes']} min")
    flags = page.get_by_role("table", name="By flag")
    # The 7 units over nothing: paid 42.84 under the units, nothing flagged under actual-by-minute.
    expect(flags.locator("tr", has_text="Over the authorisation")).to_contain_text(
        f"0 min, 0.00−105 min, {money(-7 * 612)}"
    )
    expect(page.get_by_role("table", name="By provider")).to_contain_text(s.provider.name)
    clients = page.get_by_role("table", name="By client")
    expect(clients).to_contain_text(s.clients[0].reference)
    check_screen(page, "council-repricing", size)

    db.session.expire_all()
    period = db.session.get(PaymentPeriod, s.period.id)
    assert (count(PaymentSnapshot), period.checksum) == (snapshots, s.period.checksum)
