"""Properties of a carer's days over generated visits, both clock changes included: what holds for any input."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from server.fairpay.days import MinimumWage, PayPolicy, Stint, summarise, working_days

HOMES = [(54.30, -2.70), (54.31, -2.71), (54.33, -2.75)]
WAGES = (MinimumWage(datetime(2026, 4, 1).date(), 1271),)
LONDON = ZoneInfo("Europe/London")


def travel(a, b) -> int:
    return int(abs(a[0] - b[0]) * 60000 + abs(a[1] - b[1]) * 30000)


@st.composite
def stints(draw):
    # Two days around the October clock change, so runs cross midnight and the repeated hour.
    base = datetime(2026, 10, 24, 18, 0, tzinfo=UTC)
    made = []
    for visit_id in range(1, draw(st.integers(0, 12)) + 1):
        home = draw(st.integers(0, len(HOMES) - 1))
        check_in = base + timedelta(seconds=draw(st.integers(0, 36 * 3600)))
        length = timedelta(seconds=draw(st.integers(0, 3 * 3600)))
        untimed = draw(st.sampled_from([False, False, False, True]))
        made.append(Stint(visit_id, home + 1, HOMES[home], check_in, check_in, None if untimed else check_in + length,
                          draw(st.integers(0, 120)), "paid"))
    return made


@settings(max_examples=100, deadline=None)
@given(stints(), st.integers(1, 180), st.booleans())
def test_working_time_is_contact_travel_and_waiting(made, break_minutes, pays_travel):
    days = working_days(1, made, tz="Europe/London", travel=travel, break_minutes=break_minutes,
                        policy=PayPolicy(1200, pays_travel), wages=WAGES)
    for day in days:
        assert day.working_minutes == day.contact_minutes + day.travel_minutes + day.waiting_minutes
        assert all(leg.gap_minutes == leg.travel_minutes + leg.waiting_minutes for leg in day.legs)
        assert all(leg.waiting_minutes < break_minutes for leg in day.legs)
        timed = [s for s in day.stints if s.timed]
        if timed:
            # the day is that of its earliest run's first check-in, in London
            assert min(s.check_in for s in timed).astimezone(LONDON).date() == day.local_date
            # working time is never more than the real time from the first check-in to the last check-out
            span = max(s.check_out for s in timed) - min(s.check_in for s in timed)
            assert day.working_minutes <= span // timedelta(minutes=1) + 1
    # every visit lands on exactly one day, and no paid minute is lost or counted twice
    assert sorted(s.visit_id for d in days for s in d.stints) == sorted(s.visit_id for s in made)
    assert summarise(days).paid_minutes == sum(s.paid_minutes for s in made)
    assert [d.local_date for d in days] == sorted({d.local_date for d in days})
