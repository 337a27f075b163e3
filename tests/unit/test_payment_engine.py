"""Payable time for visits and non-contact work: worked cases computed by hand, and properties.

The worked cases use the shipped rule sets with the rates replaced by round numbers
(2400p an hour = 40p a minute; weekend x1.25 = 50p; bank holiday x1.5 = 60p) so every
amount can be checked in one's head; the shipped rates are tested for consistency only.
Times are given in Europe/London local time, the way a coordinator reads them.
"""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.payments.calendar import PayCalendar
from server.payments.engine import (
    HELD,
    NOT_DELIVERED,
    NOT_PAID,
    PAID,
    ActivityFacts,
    CarerFacts,
    VisitFacts,
    amount_pence,
    multiplier_for,
    payable_for_activity,
    payable_for_visit,
)
from server.payments.rules import Rates, load_rule_sets

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
CALENDAR = PayCalendar("Europe/London")
SHIPPED = load_rule_sets()
TEST_RATES = Rates(2400, Decimal("1.25"), Decimal("1.5"))
RULES = {name: dataclasses.replace(rules, rates=TEST_RATES) for name, rules in SHIPPED.items()}
ACTUAL_STEPS = ["actual", "access_time", "rounding", "tolerance", "cap", "minimum", "rate"]


def pay(facts: VisitFacts, rules):
    return payable_for_visit(facts, rules, CALENDAR)


def local(y, mo, d, h, mi, s=0, fold=0) -> datetime:
    return datetime(y, mo, d, h, mi, s, fold=fold, tzinfo=LONDON)


# A Tuesday in January (GMT), 08:00.
TUE = local(2026, 1, 13, 8, 0)


def at(minutes: float, base: datetime = TUE) -> datetime:
    return base + timedelta(minutes=minutes)


def carer(check_in, check_out, worker=1, arrival=None, **extra) -> CarerFacts:
    return CarerFacts(worker, check_in, check_out, arrival=arrival, **extra)


def visit(planned_minutes, *carers, start=TUE, status="completed", approved=False) -> VisitFacts:
    return VisitFacts(start, planned_minutes, carers, status=status, overrun_approved=approved)


def stay(minutes: float, planned: int = 30, start=TUE, **options) -> VisitFacts:
    """One carer checked in at the planned start for `minutes` (fractions are seconds)."""
    return visit(planned, carer(start, at(minutes, start)), start=start, **options)


WORKED = [
    # actual-by-minute: whole minutes, minimum 30, cap planned + 15 unless approved.
    pytest.param("actual-by-minute", stay(32), [(32, 1280, None)], id="abm-on-time"),
    pytest.param("actual-by-minute", visit(30, carer(at(-10), at(25))), [(35, 1400, None)],
                 id="abm-check-in-before-planned-start"),
    pytest.param("actual-by-minute", stay(32 + 59 / 60), [(32, 1280, None)], id="abm-seconds-dropped"),
    pytest.param("actual-by-minute", stay(50), [(45, 1800, None)], id="abm-overrun-capped"),
    pytest.param("actual-by-minute", stay(50, approved=True), [(50, 2000, None)], id="abm-overrun-approved"),
    pytest.param("actual-by-minute", stay(45), [(45, 1800, None)], id="abm-exactly-planned-plus-15"),
    pytest.param("actual-by-minute", stay(45 + 59 / 60), [(45, 1800, None)], id="abm-planned-plus-15-and-59s"),
    pytest.param("actual-by-minute", stay(46), [(45, 1800, None)], id="abm-one-minute-over-cap"),
    pytest.param("actual-by-minute", stay(10), [(30, 1200, None)], id="abm-10-min-under-30-minimum"),
    pytest.param("actual-by-minute", stay(30), [(30, 1200, None)], id="abm-exactly-minimum"),
    pytest.param("actual-by-minute", stay(0), [(30, 1200, None)], id="abm-zero-minutes-paid-minimum"),
    pytest.param("actual-by-minute", stay(10, planned=15), [(30, 1200, None)],
                 id="abm-minimum-wins-over-cap-below-it"),
    pytest.param("actual-by-minute", visit(30, carer(TUE, None)), [(0, 0, "no_checkout")],
                 id="abm-missing-check-out-held"),
    pytest.param("actual-by-minute", visit(30, carer(TUE, at(-1))), [(0, 0, "checkout_before_checkin")],
                 id="abm-check-out-before-check-in-held"),
    pytest.param("actual-by-minute", visit(30, carer(None, at(30))), [(0, 0, "missing_check_in")],
                 id="abm-no-check-in-held"),
    pytest.param("actual-by-minute", visit(30, carer(TUE, at(30), open_exception="clock_skew")),
                 [(0, 0, "clock_skew")], id="abm-open-exception-held"),
    pytest.param("actual-by-minute", visit(30, carer(TUE, None, accepted_without_checkout=True)),
                 [(30, 1200, None)], id="abm-accepted-without-check-out-paid-planned"),
    pytest.param("actual-by-minute", visit(30, carer(TUE, at(30), worker=1), carer(None, None, worker=2)),
                 [(30, 1200, None), (0, 0, None)], id="abm-double-up-second-carer-recorded-nothing"),
    pytest.param("actual-by-minute", stay(45, planned=45, start=local(2026, 1, 13, 23, 30)), [(45, 1800, None)],
                 id="abm-across-midnight"),
    # 29 March 2026 (a Sunday): 01:00 GMT becomes 02:00 BST, so 00:30 GMT to 02:30 BST is one hour.
    pytest.param("actual-by-minute",
                 visit(60, carer(local(2026, 3, 29, 0, 30), local(2026, 3, 29, 2, 30)),
                       start=local(2026, 3, 29, 0, 30)),
                 [(60, 3000, None)], id="abm-clocks-forward-2026"),
    # 25 October 2026 (a Sunday): 02:00 BST becomes 01:00 GMT; 00:30 BST to the second 01:30 is two hours.
    pytest.param("actual-by-minute",
                 visit(120, carer(local(2026, 10, 25, 0, 30), local(2026, 10, 25, 1, 30, fold=1)),
                       start=local(2026, 10, 25, 0, 30)),
                 [(120, 6000, None)], id="abm-clocks-back-2026-second-0130"),
    pytest.param("actual-by-minute",
                 visit(120, carer(local(2026, 10, 25, 0, 30), local(2026, 10, 25, 1, 30, fold=0)),
                       start=local(2026, 10, 25, 0, 30)),
                 [(60, 3000, None)], id="abm-clocks-back-2026-first-0130"),
    pytest.param("actual-by-minute", stay(30, start=local(2026, 12, 25, 9, 0)), [(30, 1800, None)],
                 id="abm-christmas-day-2026"),
    pytest.param("actual-by-minute", stay(30, start=local(2026, 8, 31, 8, 0)), [(30, 1800, None)],
                 id="abm-summer-bank-holiday-2026"),
    # 00:30 BST on 31 August is 23:30 UTC on Sunday 30 August: the local date decides.
    pytest.param("actual-by-minute", stay(30, start=local(2026, 8, 31, 0, 30)), [(30, 1800, None)],
                 id="abm-bank-holiday-by-local-date"),
    pytest.param("actual-by-minute", stay(45, planned=45, start=local(2026, 12, 24, 23, 30)), [(45, 1800, None)],
                 id="abm-christmas-eve-start-into-christmas-day-is-weekday"),
    pytest.param("actual-by-minute", stay(30, start=local(2026, 1, 17, 8, 0)), [(30, 1500, None)],
                 id="abm-saturday"),
    pytest.param("actual-by-minute", stay(30, start=local(2026, 12, 26, 8, 0)), [(30, 1800, None)],
                 id="abm-boxing-day-on-saturday-bank-holiday-beats-weekend"),
    pytest.param("actual-by-minute", stay(30, start=local(2026, 12, 28, 8, 0)), [(30, 1800, None)],
                 id="abm-boxing-day-substitute-monday"),
    pytest.param("actual-by-minute", visit(30, carer(TUE, at(35), worker=1), carer(at(5), at(20), worker=2)),
                 [(35, 1400, None), (30, 1200, None)], id="abm-double-up-paid-separately"),
    pytest.param("actual-by-minute", visit(30, carer(TUE, at(30), worker=1), carer(TUE, None, worker=2)),
                 [(30, 1200, None), (0, 0, "no_checkout")], id="abm-double-up-one-held"),
    pytest.param("actual-by-minute", visit(30, carer(TUE, at(40), arrival=at(-10))), [(40, 1600, None)],
                 id="abm-access-time-not-paid"),
    pytest.param("actual-by-minute", stay(30, status="cancelled"), [(0, 0, None)], id="abm-cancelled"),
    pytest.param("actual-by-minute", visit(30, carer(None, None), status="missed"), [(0, 0, None)], id="abm-missed"),
    # banded: A rounded down to 15; A >= P - 5 pays at least P; cap P + 15; minimum 15.
    pytest.param("banded", stay(26), [(30, 1200, None)], id="banded-within-tolerance"),
    pytest.param("banded", stay(25), [(30, 1200, None)], id="banded-exactly-tolerance"),
    pytest.param("banded", stay(24 + 59 / 60), [(15, 600, None)], id="banded-24m59s-below-tolerance"),
    pytest.param("banded", stay(24), [(15, 600, None)], id="banded-below-tolerance-down-to-band"),
    pytest.param("banded", stay(44), [(30, 1200, None)], id="banded-overrun-incomplete-band"),
    pytest.param("banded", stay(45), [(45, 1800, None)], id="banded-exactly-one-more-band"),
    pytest.param("banded", stay(61), [(45, 1800, None)], id="banded-overrun-capped"),
    pytest.param("banded", stay(61, approved=True), [(60, 2400, None)], id="banded-overrun-approved"),
    pytest.param("banded", stay(5), [(15, 600, None)], id="banded-short-visit-minimum-band"),
    pytest.param("banded", stay(38, planned=45), [(30, 1200, None)], id="banded-planned-45-actual-38"),
    pytest.param("banded", stay(40, planned=45), [(45, 1800, None)], id="banded-planned-45-actual-40"),
    pytest.param("banded", stay(22, planned=20), [(20, 800, None)], id="banded-planned-off-band-not-below-planned"),
    pytest.param("banded", visit(30, carer(TUE, None)), [(0, 0, "no_checkout")], id="banded-missing-check-out"),
    pytest.param("banded", visit(30, carer(TUE, None, accepted_without_checkout=True)), [(0, 0, "no_checkout")],
                 id="banded-accepted-without-check-out-still-held"),
    # commissioned: planned minutes for every delivered visit.
    pytest.param("commissioned", stay(20, planned=45), [(45, 1800, None)], id="commissioned-short"),
    pytest.param("commissioned", stay(70, planned=45), [(45, 1800, None)], id="commissioned-long"),
    pytest.param("commissioned", stay(15, planned=15), [(15, 600, None)], id="commissioned-no-minimum"),
    pytest.param("commissioned", visit(45, carer(TUE, at(45), worker=1), carer(TUE, at(10), worker=2)),
                 [(45, 1800, None), (45, 1800, None)], id="commissioned-double-up"),
    pytest.param("commissioned", stay(45, planned=45, start=local(2026, 1, 18, 8, 0)), [(45, 2250, None)],
                 id="commissioned-sunday"),
    pytest.param("commissioned", visit(45, carer(TUE, None)), [(0, 0, "no_checkout")],
                 id="commissioned-missing-check-out"),
    pytest.param("commissioned", stay(45, planned=45, status="cancelled"), [(0, 0, None)],
                 id="commissioned-cancelled"),
    # The period rule sets pay each visit by the minute.
    pytest.param("guaranteed-85", stay(10), [(30, 1200, None)], id="guaranteed-visit-minimum"),
    pytest.param("flex-4-week", stay(50), [(45, 1800, None)], id="flex-visit-cap"),
]


@pytest.mark.parametrize("rule_set,facts,expected", WORKED)
def test_worked_cases(rule_set, facts, expected):
    payable = pay(facts, RULES[rule_set])
    assert [(line.minutes, line.amount_pence, line.held_reason) for line in payable.lines] == expected
    assert [line.outcome for line in payable.lines] == [
        HELD if reason else PAID if minutes else NOT_DELIVERED for minutes, _, reason in expected]
    assert [line.held for line in payable.lines] == [reason is not None for _, _, reason in expected]
    assert payable.minutes == sum(minutes for minutes, _, _ in expected)
    assert payable.amount_pence == sum(pence for _, pence, _ in expected)
    assert payable.held == any(reason for _, _, reason in expected)
    assert [line.worker_id for line in payable.lines] == [c.worker_id for c in facts.carers]
    assert payable.rule_set == rule_set


@pytest.mark.parametrize("rule_set,facts,expected", WORKED)
def test_worked_cases_explain_every_minute(rule_set, facts, expected):
    """Steps chain: each starts where the last ended, and the last ends at the line's minutes."""
    for line in pay(facts, RULES[rule_set]).lines:
        assert line.steps
        assert line.steps[0].before == 0
        for earlier, later in zip(line.steps, line.steps[1:]):
            assert later.before == earlier.after
        assert line.steps[-1].after == line.minutes
        assert all(step.note for step in line.steps)


def test_steps_for_actual_basis_are_in_the_documented_order():
    line = pay(stay(50), RULES["actual-by-minute"]).lines[0]
    assert [step.rule for step in line.steps] == ACTUAL_STEPS
    assert [(s.before, s.after) for s in line.steps] == [(0, 50), (50, 50), (50, 50), (50, 50), (50, 45),
                                                         (45, 45), (45, 45)]
    assert "planned 30 + 15 = 45" in line.steps[4].note
    assert "1800p" in line.steps[-1].note


def test_steps_for_planned_basis():
    line = pay(stay(20, planned=45), RULES["commissioned"]).lines[0]
    assert [(s.rule, s.before, s.after) for s in line.steps] == [
        ("actual", 0, 20), ("basis", 20, 45), ("minimum", 45, 45), ("rate", 45, 45)]


def test_banded_steps_show_band_then_tolerance():
    line = pay(stay(26), RULES["banded"]).lines[0]
    assert [(s.rule, s.before, s.after) for s in line.steps] == [
        ("actual", 0, 26), ("access_time", 26, 26), ("rounding", 26, 15), ("tolerance", 15, 30),
        ("cap", 30, 30), ("minimum", 30, 30), ("rate", 30, 30)]
    assert "paid as planned" in line.steps[3].note


def test_approved_overrun_is_explained():
    line = pay(stay(50, approved=True), RULES["actual-by-minute"]).lines[0]
    assert "approved by a coordinator" in line.steps[4].note


def test_held_line_explains_the_hold():
    line = pay(visit(30, carer(TUE, None)), RULES["actual-by-minute"]).lines[0]
    assert [step.rule for step in line.steps] == ["hold"]
    assert "no check-out" in line.steps[0].note and "coordinator" in line.steps[0].note


def test_clock_change_notes_show_local_times_with_their_zone():
    facts = visit(60, carer(local(2026, 3, 29, 0, 30), local(2026, 3, 29, 2, 30)), start=local(2026, 3, 29, 0, 30))
    note = pay(facts, RULES["actual-by-minute"]).lines[0].steps[0].note
    assert "00:30:00 GMT" in note and "02:30:00 BST" in note and "60 min 0 s" in note


def test_manual_times_are_marked_in_the_explanation():
    facts = visit(30, carer(TUE, at(30), manual=True))
    assert "entered by a coordinator" in pay(facts, RULES["actual-by-minute"]).lines[0].steps[0].note


def test_same_result_for_utc_and_local_inputs():
    start, end = local(2026, 10, 25, 0, 30), local(2026, 10, 25, 1, 30, fold=1)
    in_zone = visit(120, carer(start, end), start=start)
    in_utc = visit(120, carer(start.astimezone(UTC), end.astimezone(UTC)), start=start.astimezone(UTC))
    assert pay(in_zone, RULES["actual-by-minute"]) == pay(in_utc, RULES["actual-by-minute"])
    assert in_zone.planned_start.tzinfo is UTC


@pytest.mark.parametrize("arrival,expected", [
    pytest.param(at(-10), 50, id="arrival-before-check-in-paid"),
    pytest.param(at(-10, TUE) + timedelta(seconds=30), 49, id="arrival-partial-minute-dropped"),
    pytest.param(at(5), 40, id="arrival-after-check-in-ignored"),
    pytest.param(None, 40, id="no-arrival"),
])
def test_access_time_when_the_rule_set_pays_it(arrival, expected):
    rules = dataclasses.replace(RULES["actual-by-minute"], pay_access_time=True)
    line = pay(visit(45, carer(TUE, at(40), arrival=arrival)), rules).lines[0]
    assert line.minutes == expected
    assert line.steps[1].rule == "access_time" and line.steps[1].after == expected


@pytest.mark.parametrize("direction,minutes,expected", [
    ("down", 29, 15), ("up", 16, 30), ("up", 15, 15), ("nearest", 22, 15), ("nearest", 23, 30),
    ("nearest", 7, 15),
])
def test_rounding_directions(direction, minutes, expected):
    """Planned 90 keeps the tolerance out of the way; minimum 15 lifts a 0 band."""
    rules = dataclasses.replace(RULES["banded"], rounding_direction=direction)
    assert pay(stay(minutes, planned=90), rules).lines[0].minutes == expected


def test_nearest_sends_an_exact_half_up():
    rules = dataclasses.replace(RULES["banded"], rounding_unit_minutes=10, rounding_direction="nearest",
                                minimum_minutes=0)
    assert pay(stay(25, planned=90), rules).lines[0].minutes == 30
    assert pay(stay(24, planned=90), rules).lines[0].minutes == 20


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_a_visit_with_no_carer_still_has_a_line_saying_why_nothing_is_paid(status):
    payable = pay(VisitFacts(TUE, 30, [], status=status), RULES["actual-by-minute"])
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
    payable = pay(visit(30, carer(TUE, at(35), 1), carer(TUE, None, 2), start=local(2026, 1, 17, 8, 0)),
                  RULES["actual-by-minute"])
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
    line = payable_for_activity(ActivityFacts(category, 20, when, worker_id=9), RULES[rule_set], CALENDAR)
    assert (line.minutes, line.amount_pence) == expected
    assert line.outcome == (PAID if expected[0] else NOT_PAID)
    assert line.worker_id == 9 and not line.held
    assert line.steps[0].rule == "activity_category" and line.steps[0].before == 20
    assert line.steps[-1].after == line.minutes
    assert ("is not paid" in line.steps[0].note) == (expected[0] == 0)


# ---- properties

PLANNED_STARTS = st.integers(0, 365 * 24 * 60).map(lambda m: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=m))


@st.composite
def visits(draw, carers=st.integers(1, 2)):
    start = draw(PLANNED_STARTS)
    planned = draw(st.integers(0, 240))
    people = []
    for worker in range(1, draw(carers) + 1):
        check_in = start + timedelta(seconds=draw(st.integers(-3600, 7200)))
        check_out = draw(st.one_of(st.none(), st.integers(-600, 6 * 3600).map(
            lambda s, at=check_in: at + timedelta(seconds=s))))
        people.append(CarerFacts(worker, check_in, check_out))
    return VisitFacts(start, planned, people, overrun_approved=draw(st.booleans()))


def whole_minutes(c: CarerFacts) -> int:
    return (c.check_out - c.check_in) // timedelta(minutes=1)


@settings(deadline=None)
@given(facts=visits(), name=st.sampled_from(sorted(SHIPPED)))
def test_property_never_negative_and_amount_matches_minutes_and_rate(facts, name):
    rules = SHIPPED[name]
    payable = pay(facts, rules)
    multiplier = multiplier_for(CALENDAR.day(facts.planned_start), rules)
    for c, line in zip(facts.carers, payable.lines, strict=True):
        assert line.minutes >= 0 and line.amount_pence >= 0
        if rules.rates.bands:  # priced by time of day: tests/payments/test_engine_properties.py bounds it
            top = max([multiplier, *(band.multiplier for band in rules.rates.bands)])
            assert amount_pence(line.minutes, rules.rates.hourly_pence, multiplier) <= line.amount_pence
            assert line.amount_pence <= amount_pence(line.minutes, rules.rates.hourly_pence, top)
        else:
            assert line.amount_pence == amount_pence(line.minutes, rules.rates.hourly_pence, multiplier)
        assert line.held == (c.check_out is None or c.check_out < c.check_in)
        if line.held:
            assert line.minutes == 0 and line.held_reason
    assert payable.minutes == sum(line.minutes for line in payable.lines)
    assert payable.amount_pence == sum(line.amount_pence for line in payable.lines)


@settings(deadline=None)
@given(facts=visits())
def test_property_actual_by_minute_within_minimum_and_cap(facts):
    payable = pay(facts, SHIPPED["actual-by-minute"])
    for c, line in zip(facts.carers, payable.lines, strict=True):
        if line.held:
            continue
        assert line.minutes >= 30
        if facts.overrun_approved:
            assert line.minutes == max(whole_minutes(c), 30)
        else:
            assert line.minutes <= max(facts.planned_minutes + 15, 30)
            assert line.minutes == max(min(whole_minutes(c), facts.planned_minutes + 15), 30)


@settings(deadline=None)
@given(facts=visits())
def test_property_commissioned_pays_planned(facts):
    for line in pay(facts, SHIPPED["commissioned"]).lines:
        assert line.minutes == (0 if line.held else facts.planned_minutes)


@settings(deadline=None)
@given(facts=visits(carers=st.just(1)), more=st.integers(0, 3 * 3600),
       name=st.sampled_from(["actual-by-minute", "banded", "guaranteed-85", "flex-4-week"]))
def test_property_staying_longer_never_pays_less(facts, more, name):
    c = facts.carers[0]
    if c.check_out is None or c.check_out < c.check_in:
        return
    longer = dataclasses.replace(facts, carers=[dataclasses.replace(c, check_out=c.check_out + timedelta(seconds=more))])
    rules = SHIPPED[name]
    assert pay(longer, rules).minutes >= pay(facts, rules).minutes


@settings(deadline=None)
@given(facts=visits(), name=st.sampled_from(sorted(SHIPPED)))
def test_property_steps_chain_to_the_paid_minutes(facts, name):
    for line in pay(facts, SHIPPED[name]).lines:
        assert line.steps[0].before == 0 and line.steps[-1].after == line.minutes
        assert all(a.after == b.before for a, b in zip(line.steps, line.steps[1:]))


@settings(deadline=None)
@given(start=PLANNED_STARTS, minutes=st.integers(0, 600))
def test_property_elapsed_time_is_real_time_in_any_zone(start, minutes):
    """Whole minutes are the same whether the times are given in UTC or London local time."""
    end = start + timedelta(minutes=minutes)
    in_london = VisitFacts(start.astimezone(LONDON), 600, [CarerFacts(1, start.astimezone(LONDON),
                                                                      end.astimezone(LONDON))])
    line = pay(in_london, SHIPPED["actual-by-minute"]).lines[0]
    assert line.steps[0].after == minutes


# ---- the calendar

@pytest.mark.parametrize("moment,kind,name", [
    (local(2026, 1, 13, 8, 0), "weekday", "Tuesday"),
    (local(2026, 1, 17, 8, 0), "weekend", "Saturday"),
    (local(2026, 1, 18, 23, 59), "weekend", "Sunday"),
    (local(2026, 12, 25, 0, 0), "bank_holiday", "Christmas Day"),
    (local(2026, 12, 26, 10, 0), "bank_holiday", "Boxing Day"),
    (local(2026, 8, 31, 0, 30), "bank_holiday", "Late Summer Bank Holiday"),
    (datetime(2026, 8, 30, 23, 30, tzinfo=UTC), "bank_holiday", "Late Summer Bank Holiday"),
    (datetime(2026, 8, 31, 23, 30, tzinfo=UTC), "weekday", "Tuesday"),
    (local(2026, 4, 3, 8, 0), "bank_holiday", "Good Friday"),
    (local(2026, 4, 6, 8, 0), "bank_holiday", "Easter Monday"),
])
def test_day_classification_uses_the_local_date(moment, kind, name):
    day = CALENDAR.day(moment)
    assert (day.kind, day.name) == (kind, name)
    assert day.local_date == moment.astimezone(LONDON).date()


def test_day_classification_in_another_zone():
    """The zone argument decides the local date: 23:30 UTC on 24 December is already Christmas Day in Paris."""
    moment = datetime(2026, 12, 24, 23, 30, tzinfo=UTC)
    assert CALENDAR.day(moment).kind == "weekday"
    paris = PayCalendar("Europe/Paris").day(moment)
    assert (paris.local_date, paris.kind) == (date(2026, 12, 25), "bank_holiday")


def test_naive_moment_is_refused():
    with pytest.raises(ValueError):
        CALENDAR.day(datetime(2026, 1, 1))
