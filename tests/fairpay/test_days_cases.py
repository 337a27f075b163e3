"""Worked cases for a carer's day, every figure computed by hand.

Times are local London wall-clock times ("2026-10-25 01:30+00:00" picks the second 01:30 of the October
clock change). Travel between the homes below is fixed by the TRAVEL table (seconds), so each case can be
added up on paper. Minimum wage: 1221p/h from 2025-04-01, 1271p/h from 2026-04-01.
"""
from __future__ import annotations

from datetime import date

import pytest

from server.fairpay.days import MinimumWage, PayPolicy, Stint, summarise, working_days
from server.payments.engine import HELD, PAID
from tests.payments.engine_helpers import at

A, B, C = (54.30, -2.70), (54.31, -2.71), (54.32, -2.72)
CLIENT = {A: 1, B: 2, C: 3}
# 10 min A-B, 4 min 40 s B-C (rounds to 5), 14 min 29 s A-C (rounds to 14)
TRAVEL = {frozenset((A, B)): 600, frozenset((B, C)): 280, frozenset((A, C)): 869}
WAGES = (MinimumWage(date(2025, 4, 1), 1221), MinimumWage(date(2026, 4, 1), 1271))
MON = "2026-11-23"


def travel(a, b) -> int:
    return TRAVEL[frozenset((a, b))]


def stint(visit_id: int, place, check_in: str | None, check_out: str | None, paid: int = 30, *,
          planned: str | None = None, held: bool = False) -> Stint:
    return Stint(visit_id, CLIENT[place], place, at(planned or check_in), at(check_in), at(check_out), paid,
                 HELD if held else PAID, held)


def days(*stints, rate: int | None = 1200, pays_travel: bool = False, break_minutes: int = 60):
    return working_days(7, stints, tz="Europe/London", travel=travel, break_minutes=break_minutes,
                        policy=PayPolicy(rate, pays_travel), wages=WAGES)


def only(found):
    assert len(found) == 1
    return found[0]


def figures(day) -> tuple:
    return (day.contact_minutes, day.travel_minutes, day.waiting_minutes, day.working_minutes, day.paid_minutes)


def test_two_visits_with_travel_and_waiting():
    day = only(days(stint(1, A, f"{MON} 09:00", f"{MON} 09:30"), stint(2, B, f"{MON} 09:45", f"{MON} 10:15")))
    # gap 15 = travel 10 + waiting 5; working 09:00 to 10:15 = 75 = 60 + 10 + 5
    assert figures(day) == (60, 10, 5, 75, 60)
    assert [(leg.gap_minutes, leg.travel_minutes, leg.waiting_minutes) for leg in day.legs] == [(15, 10, 5)]
    # 60 paid min x 1200p/h = 1200p over 75 min worked: 1200 x 60 / 75 = 960p/h, below 1271
    assert (day.pay_minor, day.effective_hourly_minor, day.minimum_hourly_minor, day.below_minimum) == (
        1200,
        960,
        1271,
        True,
    )


def test_paid_travel_counts_in_pay():
    day = only(days(stint(1, A, f"{MON} 09:00", f"{MON} 09:30"), stint(2, B, f"{MON} 09:45", f"{MON} 10:15"),
                    pays_travel=True))
    # (60 + 10) x 1200 / 60 = 1400p; 1400 x 60 / 75 = 1120p/h
    assert (day.pay_minor, day.effective_hourly_minor, day.below_minimum) == (1400, 1120, True)


def test_a_rate_that_clears_the_minimum():
    day = only(days(stint(1, A, f"{MON} 09:00", f"{MON} 09:30"), stint(2, B, f"{MON} 09:45", f"{MON} 10:15"),
                    rate=1600))
    # 1600p for 75 min: 1600 x 60 = 96000 >= 1271 x 75 = 95325; 1280p/h
    assert (day.pay_minor, day.effective_hourly_minor, day.below_minimum) == (1600, 1280, False)


def test_exactly_the_minimum_is_not_below():
    # 60 paid min at 1271p/h over 60 min worked (same home, no gap): 1271 x 60 = 1271 x 60
    day = only(
        days(stint(1, A, f"{MON} 09:00", f"{MON} 09:30"), stint(2, A, f"{MON} 09:30", f"{MON} 10:00"), rate=1271)
    )
    assert (day.pay_minor, day.working_minutes, day.effective_hourly_minor, day.below_minimum) == (
        1271,
        60,
        1271,
        False,
    )


def test_travel_is_at_most_the_gap():
    # 5 min gap, 10 min travel estimate: 5 travel, 0 waiting
    day = only(days(stint(1, A, f"{MON} 09:00", f"{MON} 09:30"), stint(2, B, f"{MON} 09:35", f"{MON} 10:00")))
    assert figures(day) == (55, 5, 0, 60, 60)


def test_travel_rounds_to_the_nearest_minute():
    # A to C is 869 s = 14.48 min -> 14; B to C is 280 s = 4.67 min -> 5
    day = only(days(stint(1, A, f"{MON} 09:00", f"{MON} 09:30"), stint(2, C, f"{MON} 10:00", f"{MON} 10:30"),
                    stint(3, B, f"{MON} 10:40", f"{MON} 11:00", paid=20)))
    assert [(leg.travel_minutes, leg.waiting_minutes) for leg in day.legs] == [(14, 16), (5, 5)]
    assert figures(day) == (80, 19, 21, 120, 80)


def test_consecutive_visits_at_one_home_have_no_travel():
    day = only(days(stint(1, A, f"{MON} 09:00", f"{MON} 09:30"), stint(2, A, f"{MON} 09:40", f"{MON} 10:10")))
    assert figures(day) == (60, 0, 10, 70, 60)


def test_a_long_gap_is_a_break_not_working_time():
    # 09:30 to 12:00 is 150 min, 140 beyond travel: at least the 60 min allowance, so two runs
    day = only(days(stint(1, A, f"{MON} 09:00", f"{MON} 09:30"), stint(2, B, f"{MON} 12:00", f"{MON} 12:30")))
    assert (day.runs, *figures(day)) == (2, 60, 0, 0, 60, 60)
    assert day.legs == ()


def test_the_break_allowance_is_measured_beyond_travel():
    # gap 69 = travel 10 + 59 waiting: still one run; with 70 it would be a break
    one = only(days(stint(1, A, f"{MON} 09:00", f"{MON} 09:30"), stint(2, B, f"{MON} 10:39", f"{MON} 11:09")))
    two = only(days(stint(1, A, f"{MON} 09:00", f"{MON} 09:30"), stint(2, B, f"{MON} 10:40", f"{MON} 11:10")))
    assert (one.runs, one.waiting_minutes, one.working_minutes) == (1, 59, 129)
    assert (two.runs, two.waiting_minutes, two.working_minutes) == (2, 0, 60)


def test_a_run_across_midnight_belongs_to_the_day_it_started():
    found = days(stint(1, A, "2026-11-23 22:30", "2026-11-23 23:15"),
                 stint(2, B, "2026-11-23 23:30", "2026-11-24 00:15"),
                 stint(3, C, "2026-11-24 00:20", "2026-11-24 00:50"))
    day = only(found)
    assert day.local_date == date(2026, 11, 23)
    # contact 45 + 45 + 30 = 120; travel 10 + 5; waiting 5 + 0; 22:30 to 00:50 = 140
    assert figures(day) == (120, 15, 5, 140, 90)


def test_a_morning_run_after_a_night_run_is_the_next_day():
    found = days(
        stint(1, A, "2026-11-23 22:30", "2026-11-23 23:30"), stint(2, B, "2026-11-24 07:00", "2026-11-24 07:30")
    )
    assert [(d.local_date, d.working_minutes) for d in found] == [(date(2026, 11, 23), 60), (date(2026, 11, 24), 30)]


def test_clocks_going_back_count_the_real_hour():
    # Sunday 25 October 2026: 02:00 BST becomes 01:00 GMT. 00:30 BST (23:30 UTC) to 01:15 BST is 45 min;
    # the second 01:30 (GMT) to 02:00 GMT is 30 min; the gap from 01:15 BST to 01:30 GMT is 75 real minutes
    day = only(days(stint(1, A, "2026-10-25 00:30", "2026-10-25 01:15+01:00"),
                    stint(2, B, "2026-10-25 01:30+00:00", "2026-10-25 02:00")))
    assert day.local_date == date(2026, 10, 25)
    # 75 - 10 travel = 65 beyond travel: a break under the 60 min allowance (two runs, 45 + 30), not under 90
    assert (day.runs, day.working_minutes) == (2, 75)
    day = only(days(stint(1, A, "2026-10-25 00:30", "2026-10-25 01:15+01:00"),
                    stint(2, B, "2026-10-25 01:30+00:00", "2026-10-25 02:00"), break_minutes=90))
    # working 00:30 BST to 02:00 GMT = 23:30 to 02:00 UTC = 150 min (the wall clock says 90)
    assert figures(day) == (75, 10, 65, 150, 60)
    # 60 paid min x 1200 = 1200p over 150 min = 480p/h
    assert (day.effective_hourly_minor, day.below_minimum) == (480, True)


def test_a_night_run_across_midnight_and_the_clocks_going_back():
    # Saturday 24 October 23:00 BST (22:00 UTC) to Sunday 01:30 GMT (01:30 UTC): 210 real minutes, on the 24th
    day = only(days(stint(1, A, "2026-10-24 23:00", "2026-10-25 00:30"),
                    stint(2, B, "2026-10-25 00:40", "2026-10-25 01:30+00:00", paid=45)))
    assert day.local_date == date(2026, 10, 24)
    # contact 90 + (00:40 BST = 23:40 UTC to 01:30 UTC) 110 = 200; travel 10; waiting 0
    assert figures(day) == (200, 10, 0, 210, 75)


def test_clocks_going_forward_lose_the_hour():
    # Sunday 29 March 2026: 01:00 GMT becomes 02:00 BST. 00:30 GMT to 02:15 BST is 45 real minutes
    day = only(days(stint(1, A, "2026-03-29 00:30", "2026-03-29 02:15")))
    assert (day.local_date, day.working_minutes, day.contact_minutes) == (date(2026, 3, 29), 45, 45)
    # 2026-03-29 is before the April rise: 1221p/h. 30 paid min x 1200 = 600p over 45 min = 800p/h
    assert (day.minimum_hourly_minor, day.pay_minor, day.effective_hourly_minor) == (1221, 600, 800)


def test_the_minimum_in_force_is_that_of_the_day():
    # 60 paid min at 1250p/h over 60 min: above 1221 on 31 March, below 1271 on 1 April
    before, after = days(stint(1, A, "2026-03-31 09:00", "2026-03-31 10:00", paid=60),
                         stint(2, A, "2026-04-01 09:00", "2026-04-01 10:00", paid=60), rate=1250)
    assert (before.minimum_hourly_minor, before.below_minimum) == (1221, False)
    assert (after.minimum_hourly_minor, after.below_minimum) == (1271, True)


def test_no_minimum_before_the_first_entry():
    day = only(days(stint(1, A, "2024-01-10 09:00", "2024-01-10 10:00")))
    assert (day.minimum_hourly_minor, day.below_minimum) == (None, None)


def test_overlapping_visits_count_their_time_once():
    # 09:00-09:40 and 09:30-10:00: 60 minutes of contact, no gap
    day = only(days(stint(1, A, f"{MON} 09:00", f"{MON} 09:40"), stint(2, B, f"{MON} 09:30", f"{MON} 10:00")))
    assert figures(day) == (60, 0, 0, 60, 60)


def test_seconds_are_cut_to_the_minute():
    day = only(
        days(stint(1, A, f"{MON} 09:00:59", f"{MON} 09:30:30"), stint(2, B, f"{MON} 09:45:10", f"{MON} 10:15:59"))
    )
    assert figures(day) == (60, 10, 5, 75, 60)


def test_a_visit_with_one_time_is_listed_but_not_on_the_clock():
    day = only(days(stint(1, A, f"{MON} 09:00", f"{MON} 09:30"),
                    stint(2, B, f"{MON} 09:45", None, paid=0, held=True, planned=f"{MON} 09:45")))
    assert (day.untimed_visits, day.held_visits, len(day.stints)) == (1, 1, 2)
    assert figures(day) == (30, 0, 0, 30, 30)


def test_no_hourly_rate_means_no_verdict():
    day = only(days(stint(1, A, f"{MON} 09:00", f"{MON} 09:30"), rate=None))
    assert (day.pay_minor, day.effective_hourly_minor, day.below_minimum) == (None, None, None)


@pytest.mark.parametrize("pays_travel, pay, effective", [(False, 2400, 1067), (True, 2600, 1156)])
def test_a_period_is_judged_on_its_days_added_up(pays_travel, pay, effective):
    found = days(stint(1, A, f"{MON} 09:00", f"{MON} 09:30"), stint(2, B, f"{MON} 09:45", f"{MON} 10:15"),
                 stint(3, A, "2026-11-24 09:00", "2026-11-24 10:00", paid=60), rate=1200, pays_travel=pays_travel)
    total = summarise(found)
    # working 75 + 60 = 135; pay (120 paid, + 10 travel when paid) x 1200 / 60 = 2400 or 2600;
    # 2400 x 60 / 135 = 1066.67 -> 1067, 2600 x 60 / 135 = 1155.56 -> 1156; both below 1271
    assert (total.days, total.working_minutes, total.paid_minutes, total.travel_minutes) == (2, 135, 120, 10)
    assert (total.pay_minor, total.effective_hourly_minor, total.below_minimum, total.days_below) == (
        pay, effective, True, 2)


def test_a_period_below_on_one_day_may_clear_the_minimum_overall():
    # day 1: 30 paid min at 2000p/h = 1000p over 60 min worked (a 30 min wait): 1000p/h, below
    # day 2: 120 paid min = 4000p over 120 min: 2000p/h. Together 5000p over 180 min = 1666.67 -> 1667p/h, above
    found = days(
        stint(1, A, f"{MON} 09:00", f"{MON} 09:15", paid=30),
        stint(2, A, f"{MON} 09:45", f"{MON} 10:00", paid=0),
        stint(3, A, "2026-11-24 09:00", "2026-11-24 11:00", paid=120),
        rate=2000,
    )
    assert [d.below_minimum for d in found] == [True, False]
    total = summarise(found)
    assert (total.pay_minor, total.working_minutes, total.effective_hourly_minor) == (5000, 180, 1667)
    assert (total.below_minimum, total.days_below) == (False, 1)
