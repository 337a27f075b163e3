"""Worked cases for the payable-time engine, every answer computed by hand.

Rates in the shipped rule sets: 2500p an hour; weekends x1.2 (3000p/h); England and Wales
bank holidays x1.5 (3750p/h). Pence = minutes x rate / 60, rounded half-up.
Times are local London wall-clock times (see engine_helpers).

A second table (ROUND_CASES) replaces the rates by round numbers (2400p an hour = 40p a minute;
weekend x1.25 = 50p; bank holiday x1.5 = 60p) for the edge cases the first does not hold, so every
amount can be checked in one's head; the shipped rates are checked for consistency only.
"""
from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from server.payments.engine import (
    HELD,
    NOT_DELIVERED,
    NOT_PAID,
    PAID,
    ActivityFacts,
    CarerFacts,
    VisitFacts,
    amount_pence,
    pay_carer,
    payable_for_activity,
    payable_for_visit,
)
from server.payments.rules import Rates, load_rule_sets
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
    assert "60 min 0 s" in line.steps[0].note
    assert line.steps[0].after == 60


@pytest.mark.parametrize("arrival, minutes", [
    ("2026-11-23 08:50", 40),   # arrived 10 minutes before check-in: paid from arrival (09:30 - 08:50)
    ("2026-11-23 08:50:30", 39),  # a part minute of access time is dropped
    ("2026-11-23 09:05", 30),   # an arrival after check-in adds nothing
    (None, 30),
])
def test_access_time_when_the_rule_set_pays_it(arrival, minutes):
    paying = replace(rules("actual-by-minute"), pay_access_time=True)
    line = pay_carer(visit(f"{MON} 09:00", 30), carer(f"{MON} 09:00", f"{MON} 09:30", arrival=arrival),
                     paying, CALENDAR)
    assert line.minutes == minutes
    assert (line.steps[1].rule, line.steps[1].after) == ("access_time", minutes)
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


# ---- at round rates

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
SHIPPED = load_rule_sets()
TEST_RATES = Rates(2400, Decimal("1.25"), Decimal("1.5"))
ROUND_RULES = {name: dataclasses.replace(rules, rates=TEST_RATES) for name, rules in SHIPPED.items()}


def pay(facts: VisitFacts, rules):
    return payable_for_visit(facts, rules, CALENDAR)


def local(y, mo, d, h, mi, s=0, fold=0) -> datetime:
    return datetime(y, mo, d, h, mi, s, fold=fold, tzinfo=LONDON)


# A Tuesday in January (GMT), 08:00.
TUE = local(2026, 1, 13, 8, 0)


def after(minutes: float, base: datetime = TUE) -> datetime:
    return base + timedelta(minutes=minutes)


def carer_facts(check_in, check_out, worker=1, arrival=None, **extra) -> CarerFacts:
    return CarerFacts(worker, check_in, check_out, arrival=arrival, **extra)


def visit_facts(planned_minutes, *carers, start=TUE, status="completed", approved=False) -> VisitFacts:
    return VisitFacts(start, planned_minutes, carers, status=status, overrun_approved=approved)


def stay(minutes: float, planned: int = 30, start=TUE, **options) -> VisitFacts:
    """One carer checked in at the planned start for `minutes` (fractions are seconds)."""
    return visit_facts(planned, carer_facts(start, after(minutes, start)), start=start, **options)


ROUND_CASES = [
    pytest.param("actual-by-minute", stay(45 + 59 / 60), [(45, 1800, None)], id="abm-planned-plus-15-and-59s"),
    pytest.param("actual-by-minute", stay(0), [(30, 1200, None)], id="abm-zero-minutes-paid-minimum"),
    pytest.param(
        "actual-by-minute",
        visit_facts(30, carer_facts(TUE, after(30), worker=1), carer_facts(None, None, worker=2)),
        [(30, 1200, None), (0, 0, None)],
        id="abm-double-up-second-carer-recorded-nothing",
    ),
    pytest.param(
        "actual-by-minute",
        visit_facts(
            120,
            carer_facts(local(2026, 10, 25, 0, 30), local(2026, 10, 25, 1, 30, fold=0)),
            start=local(2026, 10, 25, 0, 30),
        ),
        [(60, 3000, None)],
        id="abm-clocks-back-2026-first-0130",
    ),
    pytest.param(
        "actual-by-minute",
        stay(45, planned=45, start=local(2026, 12, 24, 23, 30)),
        [(45, 1800, None)],
        id="abm-christmas-eve-start-into-christmas-day-is-weekday",
    ),
    pytest.param(
        "actual-by-minute",
        visit_facts(30, carer_facts(TUE, after(40), arrival=after(-10))),
        [(40, 1600, None)],
        id="abm-access-time-not-paid",
    ),
    pytest.param("banded", stay(24 + 59 / 60), [(15, 600, None)], id="banded-24m59s-below-tolerance"),
    pytest.param("banded", stay(61, approved=True), [(60, 2400, None)], id="banded-overrun-approved"),
    pytest.param("banded", stay(38, planned=45), [(30, 1200, None)], id="banded-planned-45-actual-38"),
    pytest.param("banded", stay(40, planned=45), [(45, 1800, None)], id="banded-planned-45-actual-40"),
    pytest.param("banded", stay(22, planned=20), [(20, 800, None)], id="banded-planned-off-band-not-below-planned"),
    pytest.param("commissioned", stay(15, planned=15), [(15, 600, None)], id="commissioned-no-minimum"),
    pytest.param(
        "commissioned",
        visit_facts(45, carer_facts(TUE, after(45), worker=1), carer_facts(TUE, after(10), worker=2)),
        [(45, 1800, None), (45, 1800, None)],
        id="commissioned-double-up",
    ),
    pytest.param(
        "commissioned",
        stay(45, planned=45, start=local(2026, 1, 18, 8, 0)),
        [(45, 2250, None)],
        id="commissioned-sunday",
    ),
    pytest.param("guaranteed-85", stay(10), [(30, 1200, None)], id="guaranteed-visit-minimum"),
    pytest.param("flex-4-week", stay(50), [(45, 1800, None)], id="flex-visit-cap"),
]


@pytest.mark.parametrize("rule_set,facts,expected", ROUND_CASES)
def test_round_case(rule_set, facts, expected):
    payable = pay(facts, ROUND_RULES[rule_set])
    assert [(line.minutes, line.amount_pence, line.held_reason) for line in payable.lines] == expected
    assert [line.outcome for line in payable.lines] == [
        HELD if reason else PAID if minutes else NOT_DELIVERED for minutes, _, reason in expected]
    assert [line.held for line in payable.lines] == [reason is not None for _, _, reason in expected]
    assert payable.minutes == sum(minutes for minutes, _, _ in expected)
    assert payable.amount_pence == sum(pence for _, pence, _ in expected)
    assert payable.held == any(reason for _, _, reason in expected)
    assert [line.worker_id for line in payable.lines] == [c.worker_id for c in facts.carers]
    assert payable.rule_set == rule_set


@pytest.mark.parametrize("rule_set,facts,expected", ROUND_CASES)
def test_round_case_explains_every_minute(rule_set, facts, expected):
    """Steps chain: each starts where the last ended, and the last ends at the line's minutes."""
    for line in pay(facts, ROUND_RULES[rule_set]).lines:
        assert line.steps
        assert line.steps[0].before == 0
        for earlier, later in zip(line.steps, line.steps[1:]):
            assert later.before == earlier.after
        assert line.steps[-1].after == line.minutes
        assert all(step.note for step in line.steps)


def test_steps_for_planned_basis():
    line = pay(stay(20, planned=45), ROUND_RULES["commissioned"]).lines[0]
    assert [(s.rule, s.before, s.after) for s in line.steps] == [
        ("actual", 0, 20), ("basis", 20, 45), ("minimum", 45, 45), ("rate", 45, 45)]


def test_banded_steps_show_band_then_tolerance():
    line = pay(stay(26), ROUND_RULES["banded"]).lines[0]
    assert [(s.rule, s.before, s.after) for s in line.steps] == [
        ("actual", 0, 26), ("access_time", 26, 26), ("rounding", 26, 15), ("tolerance", 15, 30),
        ("cap", 30, 30), ("minimum", 30, 30), ("rate", 30, 30)]
    assert "paid as planned" in line.steps[3].note


def test_approved_overrun_is_explained():
    line = pay(stay(50, approved=True), ROUND_RULES["actual-by-minute"]).lines[0]
    assert "approved by a coordinator" in line.steps[4].note


def test_held_line_explains_the_hold():
    line = pay(visit_facts(30, carer_facts(TUE, None)), ROUND_RULES["actual-by-minute"]).lines[0]
    assert [step.rule for step in line.steps] == ["hold"]
    assert "no check-out" in line.steps[0].note and "coordinator" in line.steps[0].note


def test_manual_times_are_marked_in_the_explanation():
    facts = visit_facts(30, carer_facts(TUE, after(30), manual=True))
    assert "entered by a coordinator" in pay(facts, ROUND_RULES["actual-by-minute"]).lines[0].steps[0].note


def test_same_result_for_utc_and_local_inputs():
    start, end = local(2026, 10, 25, 0, 30), local(2026, 10, 25, 1, 30, fold=1)
    in_zone = visit_facts(120, carer_facts(start, end), start=start)
    in_utc = visit_facts(120, carer_facts(start.astimezone(UTC), end.astimezone(UTC)), start=start.astimezone(UTC))
    assert pay(in_zone, ROUND_RULES["actual-by-minute"]) == pay(in_utc, ROUND_RULES["actual-by-minute"])
    assert in_zone.planned_start.tzinfo is UTC


@pytest.mark.parametrize("direction,minutes,expected", [
    ("down", 29, 15), ("up", 16, 30), ("up", 15, 15), ("nearest", 22, 15), ("nearest", 23, 30),
    ("nearest", 7, 15),
])
def test_rounding_directions(direction, minutes, expected):
    """Planned 90 keeps the tolerance out of the way; minimum 15 lifts a 0 band."""
    rules = dataclasses.replace(ROUND_RULES["banded"], rounding_direction=direction)
    assert pay(stay(minutes, planned=90), rules).lines[0].minutes == expected


def test_nearest_sends_an_exact_half_up():
    rules = dataclasses.replace(ROUND_RULES["banded"], rounding_unit_minutes=10, rounding_direction="nearest",
                                minimum_minutes=0)
    assert pay(stay(25, planned=90), rules).lines[0].minutes == 30
    assert pay(stay(24, planned=90), rules).lines[0].minutes == 20


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_a_visit_with_no_carer_still_has_a_line_saying_why_nothing_is_paid(status):
    payable = pay(VisitFacts(TUE, 30, [], status=status), ROUND_RULES["actual-by-minute"])
    assert [(line.worker_id, line.outcome, line.minutes) for line in payable.lines] == [(None, NOT_DELIVERED, 0)]
    assert payable.amount_pence == 0 and not payable.held
    assert payable.lines[0].steps[0].rule == "status"


@pytest.mark.parametrize("make", [
    pytest.param(lambda: VisitFacts(datetime(2026, 1, 13, 8, 0), 30, []), id="naive-planned-start"),
    pytest.param(lambda: CarerFacts(1, datetime(2026, 1, 13, 8, 0), None), id="naive-check-in"),
    pytest.param(lambda: VisitFacts(TUE, -1, []), id="negative-planned"),
    pytest.param(lambda: VisitFacts(TUE, True, []), id="bool-planned"),
    pytest.param(lambda: ActivityFacts("gardening", 10, TUE), id="unknown-category"),
    pytest.param(lambda: ActivityFacts("review", -10, TUE), id="negative-activity-minutes"),
])
def test_facts_refuse_what_cannot_be_paid_correctly(make):
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize("minutes,hourly,multiplier,expected", [
    (60, 2400, Decimal(1), 2400),
    (1, 2430, Decimal(1), 41),          # 40.5 -> 41: half-up, not to even
    (1, 2370, Decimal(1), 40),          # 39.5 -> 40
    (1, 2350, Decimal(1), 39),          # 39.1666...
    (3, 2475, Decimal("1.2"), 149),     # 148.5 -> 149
    (45, 2500, Decimal("1.5"), 2813),   # 2812.5 -> 2813
    (0, 2500, Decimal("2"), 0),
])
def test_amount_is_decimal_rounded_half_up(minutes, hourly, multiplier, expected):
    assert amount_pence(minutes, hourly, multiplier) == expected


def test_shipped_rates_are_applied():
    rules = SHIPPED["actual-by-minute"]
    weekday = pay(stay(45, planned=45), rules).lines[0]
    christmas = pay(stay(45, planned=45, start=local(2026, 12, 25, 9, 0)), rules).lines[0]
    assert weekday.amount_pence == amount_pence(45, rules.rates.hourly_pence)
    assert christmas.amount_pence == amount_pence(45, rules.rates.hourly_pence, rules.rates.bank_holiday_multiplier)
    assert (christmas.day.kind, christmas.day.name, christmas.multiplier) == (
        "bank_holiday", "Christmas Day", rules.rates.bank_holiday_multiplier)


def test_line_carries_exact_money_and_the_day_kind():
    payable = pay(
        visit_facts(30, carer_facts(TUE, after(35), 1), carer_facts(TUE, None, 2), start=local(2026, 1, 17, 8, 0)),
        ROUND_RULES["actual-by-minute"],
    )
    paid, held = payable.lines
    assert (paid.minutes, paid.amount_pence, paid.multiplier, paid.held) == (35, 1750, Decimal("1.25"), False)
    assert isinstance(paid.amount_pence, int) and isinstance(paid.multiplier, Decimal)
    assert (paid.day.local_date, paid.day.kind, paid.day.name) == (date(2026, 1, 17), "weekend", "Saturday")
    assert (held.outcome, held.held, held.held_reason) == (HELD, True, "no_checkout")
    assert (payable.minutes, payable.amount_pence, payable.held) == (35, 1750, True)


# ---- non-contact activity

@pytest.mark.parametrize("rule_set,category,when,expected", [
    pytest.param("actual-by-minute", "liaising_health_social", TUE, (20, 800), id="paid-category"),
    pytest.param("actual-by-minute", "gaining_access", local(2026, 12, 25, 9, 0), (20, 1200),
                 id="paid-on-bank-holiday"),
    pytest.param("actual-by-minute", "liaising_family", TUE, (0, 0), id="unpaid-category"),
    pytest.param("flex-4-week", "review", local(2026, 1, 17, 9, 0), (20, 1000), id="paid-on-saturday"),
    pytest.param("commissioned", "care_planning", TUE, (0, 0), id="commissioned-pays-none"),
])
def test_non_contact_activity(rule_set, category, when, expected):
    line = payable_for_activity(ActivityFacts(category, 20, when, worker_id=9), ROUND_RULES[rule_set], CALENDAR)
    assert (line.minutes, line.amount_pence) == expected
    assert line.outcome == (PAID if expected[0] else NOT_PAID)
    assert line.worker_id == 9 and not line.held
    assert line.steps[0].rule == "activity_category" and line.steps[0].before == 20
    assert line.steps[-1].after == line.minutes
    assert ("is not paid" in line.steps[0].note) == (expected[0] == 0)
