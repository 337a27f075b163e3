from __future__ import annotations

from datetime import date

import pytest

from server.care.models import CarePackage
from server.extensions import db
from tests.outcomes.builders import closed_period, note, on, reablement, review, score


@pytest.fixture
def nov(world):
    """Alpha under outcomes-top-slice with a closed November 2026 that paid 1,000,000p, and November's evidence:
    outcomes: client 1 rose from 2 (October) to 4, client 2 fell from 4 to 3 -> 1 of 2 held or improved;
    reablement: client 1's ended on its planned 15th, client 2's still at 600 min past its planned 20th -> 1 of 2;
    reviews: client 1's done a day early, client 2's two days late (client 1's December one not due) -> 1 of 2.
    """
    a = world.alpha
    a.contract.payment_rule_set = "outcomes-top-slice"
    for package in db.session.query(CarePackage).all():
        package.ends_on = date(2026, 10, 31)  # the factory's standing packages end before November
    c1, c2 = a.clients
    w = a.workers[0]
    score(c1, a.outcomes[0], w, on("2026-10-20"), 2)
    score(c1, a.outcomes[0], w, on("2026-11-05"), 3, "Walked to the gate")
    score(c1, a.outcomes[0], w, on("2026-11-19"), 4, "Walked to the corner shop with a stick")
    score(c2, a.outcomes[1], w, on("2026-11-06"), 4)
    score(c2, a.outcomes[1], w, on("2026-11-20"), 3)
    note(c1, w, on("2026-11-12", "10:00"), "Keen to try the bus next week")
    world.packages = [
        reablement(c1, 300, date(2026, 11, 1), date(2026, 11, 15), 0, ends_on=date(2026, 11, 15), budget=10_500),
        reablement(c2, 600, date(2026, 11, 1), date(2026, 11, 20), 300, budget=21_000),
    ]
    world.reviews = [review(c1, a.admin, date(2026, 11, 10), date(2026, 11, 9), "Goals agreed"),
                     review(c2, a.admin, date(2026, 11, 25), date(2026, 11, 27)),
                     review(c1, a.admin, date(2026, 12, 5))]
    world.period = closed_period(a.contract, date(2026, 11, 1), date(2026, 11, 30), 1_000_000, world.officer)
    db.session.commit()
    return world
