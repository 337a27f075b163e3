"""Worked cases for the payable-time engine, every answer computed by hand.

Rates in the shipped rule sets: 2500p an hour; weekends x1.2 (3000p/h); England and Wales
bank holidays x1.5 (3750p/h). Pence = minutes x rate / 60, rounded half-up.
Times are local London wall-clock times (see engine_helpers).
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from server.payments.engine import HELD, NOT_DELIVERED, PAID, pay_carer, payable_for_visit
from tests.payments.engine_helpers import CALENDAR, carer, rules, visit

MON = "2026-11-23"  # an ordinary Monday
SAT = "2026-11-28"

CASES = [
    # id, rule set, visit, [(outcome, minutes, pence, held_reason)], day kind
    ("on_time_exact", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 09:30")), [(PAID, 30, 1250, None)], "weekday"),
    # 50 min actual, under the cap of 45 + 15 = 60: 50 x 2500 / 60 = 2083.33 -> 2083
    ("check_in_before_planned_start", "actual-by-minute",
     visit(f"{MON} 09:00", 45, carer(f"{MON} 08:50", f"{MON} 09:40")), [(PAID, 50, 2083, None)], "weekday"),
    # 70 min actual, capped at 30 + 15 = 45: 1875p
    ("overrun_capped", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 10:10")), [(PAID, 45, 1875, None)], "weekday"),
    # approved: all 70 min, 2916.67 -> 2917
    ("overrun_approved", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 10:10"), overrun_approved=True),
     [(PAID, 70, 2917, None)], "weekday"),
    ("ten_minutes_under_the_30_minimum", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 09:10")), [(PAID, 30, 1250, None)], "weekday"),
    # 44 min 59 s is 44 whole minutes: 1833.33 -> 1833
    ("seconds_are_dropped", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00:00", f"{MON} 09:44:59")), [(PAID, 44, 1833, None)], "weekday"),
    ("exactly_on_the_cap", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 09:45")), [(PAID, 45, 1875, None)], "weekday"),
    ("one_minute_over_the_cap", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 09:46")), [(PAID, 45, 1875, None)], "weekday"),
    ("exactly_the_minimum", "actual-by-minute",
     visit(f"{MON} 09:00", 15, carer(f"{MON} 09:00", f"{MON} 09:30")), [(PAID, 30, 1250, None)], "weekday"),
    # planned 10 + cap 15 = 25 is below the minimum: 31 min is capped to 25, then raised to 30
    ("cap_below_minimum_minimum_wins", "actual-by-minute",
     visit(f"{MON} 09:00", 10, carer(f"{MON} 09:00", f"{MON} 09:31")), [(PAID, 30, 1250, None)], "weekday"),
    ("missing_check_out_is_held", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", None), status="in_progress"),
     [(HELD, 0, 0, "no_checkout")], "weekday"),
    ("missing_check_out_open_exception_is_held", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", None, open_exception="no_checkout")),
     [(HELD, 0, 0, "no_checkout")], "weekday"),
    # actual-by-minute pays the planned 30 once a coordinator accepts the visit without a check-out
    ("missing_check_out_accepted", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", None, accepted_without_checkout=True)),
     [(PAID, 30, 1250, None)], "weekday"),
    # banded holds until the time is entered, accepted or not
    ("missing_check_out_accepted_banded_still_held", "banded",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", None, accepted_without_checkout=True)),
     [(HELD, 0, 0, "no_checkout")], "weekday"),
    ("check_out_without_check_in_is_held", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(None, f"{MON} 09:30")), [(HELD, 0, 0, "missing_check_in")], "weekday"),
    ("check_out_before_check_in_is_held", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:30", f"{MON} 09:00")),
     [(HELD, 0, 0, "checkout_before_checkin")], "weekday"),
    ("open_clock_skew_holds_complete_times", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 09:30", open_exception="clock_skew")),
     [(HELD, 0, 0, "clock_skew")], "weekday"),
    ("no_times_is_not_delivered", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(None, None), status="late"), [(NOT_DELIVERED, 0, 0, None)], "weekday"),
    ("cancelled_is_not_delivered", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 09:30"), status="cancelled"),
     [(NOT_DELIVERED, 0, 0, None)], "weekday"),
    ("missed_is_not_delivered_even_with_an_open_exception", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(None, None, open_exception="missing_check_in"), status="missed"),
     [(NOT_DELIVERED, 0, 0, None)], "weekday"),
    ("no_carer_is_not_delivered", "actual-by-minute",
     visit(f"{MON} 09:00", 30), [(NOT_DELIVERED, 0, 0, None)], "weekday"),
    # Friday 23:30 to Saturday 00:35 = 65 min (cap 75), priced by the planned start's date: a weekday
    ("across_midnight_priced_by_planned_start", "actual-by-minute",
     visit("2026-11-27 23:30", 60, carer("2026-11-27 23:30", "2026-11-28 00:35")), [(PAID, 65, 2708, None)],
     "weekday"),
    # 29 March 2026: 00:30 GMT to 02:30 BST is 60 real minutes; a Sunday: 60 x 3000 / 60 = 3000
    ("spring_clock_change_night", "actual-by-minute",
     visit("2026-03-29 00:30", 60, carer("2026-03-29 00:30", "2026-03-29 02:30")), [(PAID, 60, 3000, None)],
     "weekend"),
    # 25 October 2026: 00:30 BST to the second 01:30 (GMT) is 120 real minutes: 120 x 3000 / 60 = 6000
    ("autumn_clock_change_night", "actual-by-minute",
     visit("2026-10-25 00:30", 120, carer("2026-10-25 00:30", "2026-10-25 01:30+00:00")), [(PAID, 120, 6000, None)],
     "weekend"),
    # planned 90 across the October change: the wall clock says 60 minutes, real time 120; capped at
    # 90 + 15 = 105: 105 x 3000 / 60 = 5250
    ("autumn_clock_change_capped_on_real_time", "actual-by-minute",
     visit("2026-10-25 00:30", 90, carer("2026-10-25 00:30", "2026-10-25 01:30+00:00")), [(PAID, 105, 5250, None)],
     "weekend"),
    # double-up: each carer paid separately; the short one gets the minimum
    ("double_up", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 09:30", 1), carer(f"{MON} 09:05", f"{MON} 09:20", 2)),
     [(PAID, 30, 1250, None), (PAID, 30, 1250, None)], "weekday"),
    ("double_up_one_carer_held", "actual-by-minute",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 09:40", 1), carer(f"{MON} 09:00", None, 2)),
     [(PAID, 40, 1667, None), (HELD, 0, 0, "no_checkout")], "weekday"),
    ("bank_holiday_christmas", "actual-by-minute",
     visit("2026-12-25 09:00", 30, carer("2026-12-25 09:00", "2026-12-25 09:30")), [(PAID, 30, 1875, None)],
     "bank_holiday"),
    # Boxing Day 2026 is a Saturday: the bank-holiday rate, not the weekend one; and the observed Monday too
    ("bank_holiday_on_a_saturday", "actual-by-minute",
     visit("2026-12-26 09:00", 30, carer("2026-12-26 09:00", "2026-12-26 09:30")), [(PAID, 30, 1875, None)],
     "bank_holiday"),
    ("bank_holiday_observed", "actual-by-minute",
     visit("2026-12-28 09:00", 30, carer("2026-12-28 09:00", "2026-12-28 09:30")), [(PAID, 30, 1875, None)],
     "bank_holiday"),
    # 00:30 BST on Monday 31 August is 23:30 UTC on Sunday: the local date makes it a bank holiday
    ("bank_holiday_by_local_date", "actual-by-minute",
     visit("2026-08-31 00:30", 30, carer("2026-08-31 00:30", "2026-08-31 01:00")), [(PAID, 30, 1875, None)],
     "bank_holiday"),
    ("weekend", "actual-by-minute",
     visit(f"{SAT} 09:00", 30, carer(f"{SAT} 09:00", f"{SAT} 09:30")), [(PAID, 30, 1500, None)], "weekend"),
    # Sunday 23:30 to Monday 00:20, 50 min at the Sunday (weekend) rate: 2500
    ("weekend_evening_into_monday", "actual-by-minute",
     visit("2026-11-29 23:30", 45, carer("2026-11-29 23:30", "2026-11-30 00:20")), [(PAID, 50, 2500, None)],
     "weekend"),
    # banded, planned 30: completed 15-minute bands, 5 minutes' tolerance, cap +15, minimum 15
    ("banded_within_tolerance", "banded",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 09:25")), [(PAID, 30, 1250, None)], "weekday"),
    ("banded_just_outside_tolerance", "banded",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 09:24")), [(PAID, 15, 625, None)], "weekday"),
    ("banded_incomplete_band_dropped", "banded",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 09:44")), [(PAID, 30, 1250, None)], "weekday"),
    ("banded_exactly_a_band", "banded",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 09:45")), [(PAID, 45, 1875, None)], "weekday"),
    ("banded_capped", "banded",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 10:01")), [(PAID, 45, 1875, None)], "weekday"),
    ("banded_minimum_one_band", "banded",
     visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 09:05")), [(PAID, 15, 625, None)], "weekday"),
    # planned 60: 55 min is exactly planned - 5, paid 60; 52 min is banded down to 45
    ("banded_tolerance_threshold_exact", "banded",
     visit(f"{MON} 09:00", 60, carer(f"{MON} 09:00", f"{MON} 09:55")), [(PAID, 60, 2500, None)], "weekday"),
    ("banded_below_tolerance_threshold", "banded",
     visit(f"{MON} 09:00", 60, carer(f"{MON} 09:00", f"{MON} 09:52")), [(PAID, 45, 1875, None)], "weekday"),
    ("commissioned_short_visit_paid_planned", "commissioned",
     visit(f"{MON} 09:00", 45, carer(f"{MON} 09:00", f"{MON} 09:20")), [(PAID, 45, 1875, None)], "weekday"),
    ("commissioned_long_visit_paid_planned", "commissioned",
     visit(f"{MON} 09:00", 45, carer(f"{MON} 09:00", f"{MON} 10:30")), [(PAID, 45, 1875, None)], "weekday"),
    ("commissioned_missing_check_out_held", "commissioned",
     visit(f"{MON} 09:00", 45, carer(f"{MON} 09:00", None)), [(HELD, 0, 0, "no_checkout")], "weekday"),
    ("commissioned_bank_holiday", "commissioned",
     visit("2026-08-31 09:00", 45, carer("2026-08-31 09:00", "2026-08-31 09:10")), [(PAID, 45, 2813, None)],
     "bank_holiday"),
]


@pytest.mark.parametrize("case_id, rule_set, facts, expected, day_kind", CASES, ids=[c[0] for c in CASES])
def test_worked_case(case_id, rule_set, facts, expected, day_kind):
    payable = payable_for_visit(facts, rules(rule_set), CALENDAR)
    got = [(line.outcome, line.minutes, line.amount_pence, line.held_reason) for line in payable.lines]
    assert got == expected
    assert {line.day.kind for line in payable.lines} == {day_kind}
    assert payable.minutes == sum(e[1] for e in expected)
    assert payable.amount_pence == sum(e[2] for e in expected)
    assert payable.held == any(e[0] == HELD for e in expected)
    for line in payable.lines:
        steps = line.steps
        assert steps, "every line explains itself"
        assert steps[-1].after == line.minutes
        assert all(a.after == b.before for a, b in zip(steps, steps[1:])), "each step starts where the last ended"


def test_explanation_of_a_capped_overrun_names_each_rule_in_order():
    line = pay_carer(visit(f"{MON} 09:00", 30), carer(f"{MON} 09:00", f"{MON} 10:10"), rules("actual-by-minute"),
                     CALENDAR)
    assert [(s.rule, s.before, s.after) for s in line.steps] == [
        ("actual", 0, 70), ("access_time", 70, 70), ("rounding", 70, 70), ("tolerance", 70, 70),
        ("cap", 70, 45), ("minimum", 45, 45), ("rate", 45, 45)]
    assert "2026-11-23 09:00:00 GMT" in line.steps[0].note
    assert "planned 30 + 15 = 45" in line.steps[4].note
    assert "1875p" in line.steps[-1].note


def test_clock_change_explanation_shows_both_offsets():
    line = pay_carer(visit("2026-03-29 00:30", 60), carer("2026-03-29 00:30", "2026-03-29 02:30"),
                     rules("actual-by-minute"), CALENDAR)
    assert "00:30:00 GMT" in line.steps[0].note and "02:30:00 BST" in line.steps[0].note
    assert line.steps[0].after == 60


@pytest.mark.parametrize("arrival, minutes", [
    ("2026-11-23 08:50", 40),   # arrived 10 minutes before check-in: paid from arrival (09:30 - 08:50)
    ("2026-11-23 09:05", 30),   # an arrival after check-in adds nothing
    (None, 30),
])
def test_access_time_when_the_rule_set_pays_it(arrival, minutes):
    paying = replace(rules("actual-by-minute"), pay_access_time=True)
    line = pay_carer(visit(f"{MON} 09:00", 30), carer(f"{MON} 09:00", f"{MON} 09:30", arrival=arrival), paying, CALENDAR)
    assert line.minutes == minutes
    unpaid = pay_carer(visit(f"{MON} 09:00", 30), carer(f"{MON} 09:00", f"{MON} 09:30", arrival=arrival),
                       rules("actual-by-minute"), CALENDAR)
    assert unpaid.minutes == 30


def test_rounding_up_and_nearest():
    base = rules("actual-by-minute")
    up = replace(base, rounding_unit_minutes=15, rounding_direction="up", cap_minutes_over_planned=None)
    nearest = replace(up, rounding_direction="nearest")
    facts = visit(f"{MON} 09:00", 30)
    for out, want_up, want_nearest in [("09:31", 45, 30), ("09:37", 45, 30), ("09:38", 45, 45), ("09:45", 45, 45)]:
        c = carer(f"{MON} 09:00", f"{MON} {out}")
        assert pay_carer(facts, c, up, CALENDAR).minutes == want_up
        assert pay_carer(facts, c, nearest, CALENDAR).minutes == want_nearest


def test_explain_false_gives_the_same_money_without_steps():
    facts = visit("2026-10-25 00:30", 90, carer("2026-10-25 00:30", "2026-10-25 01:30+00:00"))
    full = pay_carer(facts, facts.carers[0], rules("banded"), CALENDAR)
    lean = pay_carer(facts, facts.carers[0], rules("banded"), CALENDAR, explain=False)
    assert (lean.minutes, lean.amount_pence, lean.outcome) == (full.minutes, full.amount_pence, full.outcome)
    assert lean.steps == () and full.steps


def test_naive_times_are_refused():
    from datetime import datetime

    from server.payments.engine import CarerFacts

    with pytest.raises(ValueError, match="timezone-aware"):
        CarerFacts(1, datetime(2026, 11, 23, 9, 0), None)
