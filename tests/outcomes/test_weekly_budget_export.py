"""The weekly-budget model through the export and a closed period: visits at 0, a budget row per package."""
from __future__ import annotations

from datetime import date

from server.extensions import db
from server.outcomes.lines import period_line
from tests.builders import reablement
from tests.payments.db_helpers import package, setting, visit
from tests.payments.test_periods import close, rows

NOV = (date(2026, 11, 2), date(2026, 11, 29))  # four whole weeks


def test_packages_are_paid_their_budgets_whatever_the_minutes(app):
    s = setting("Budget", "weekly-budget")
    c1, c2 = s.clients
    package(c1, 420, date(2026, 10, 1)).weekly_budget_minor = 14_000
    # reduced on time: 600 min to 15 Nov, then nothing
    reablement(c2, 600, date(2026, 11, 2), date(2026, 11, 15), 0, ends_on=date(2026, 11, 15), budget=21_000)
    w = s.workers[0]
    visit(c1, "2026-11-03 09:00", 60, (w, "2026-11-03 09:00", "2026-11-03 09:20"))  # short: still 0, not 20 min
    db.session.commit()

    visits, budgets = rows(s, NOV, "visit"), rows(s, NOV, "settlement")
    assert [(r["payable_minutes"], r["amount_pence"]) for r in visits] == [(60, 0)]
    # 28 days x 14,000 / 7 = 56,000; 14 days x 21,000 / 7 = 42,000
    assert sorted((r["client_id"], r["amount_pence"], r["block_from"], r["block_to"]) for r in budgets) == [
        (c1.id, 56_000, "2026-11-02", "2026-11-29"), (c2.id, 42_000, "2026-11-02", "2026-11-15")]

    period = close(s, NOV)
    assert period.amount_pence == 98_000
    [line] = period_line(period)["lines"]
    # 2.5% of 98,000 = 2,450, all against reablement: 1 of 1 on time -> released
    assert (line["paid_pence"], line["retained_pence"], line["released_pence"], line["withheld_pence"]) == \
        (98_000, 2_450, 2_450, 0)
