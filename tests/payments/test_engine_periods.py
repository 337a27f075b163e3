"""Settlement blocks: the guaranteed-85 top-up, the flex-4-week total with contingency, and raising to the
authorised total, by hand.

The cases at the shipped rates (2500p an hour on weekdays, 3000p at weekends) come first; then a
table with the rates replaced by round numbers (40p a minute on weekdays, 50p at weekends, 60p on
bank holidays) so each answer can be checked in one's head; then properties.
"""
from __future__ import annotations

import dataclasses
import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.payments.engine import (
    BlockTally,
    CarerFacts,
    Payable,
    VisitFacts,
    amount_pence,
    payable_for_period,
    payable_for_visit,
)
from server.payments.rules import Rates, load_rule_sets
from tests.payments.engine_helpers import CALENDAR, at, carer, rules, visit

LONDON = ZoneInfo("Europe/London")
TEST_RATES = Rates(2400, Decimal("1.25"), Decimal("1.5"))
RULES = {name: dataclasses.replace(rules, rates=TEST_RATES) for name, rules in load_rule_sets().items()}
GUARANTEED, FLEX = RULES["guaranteed-85"], RULES["flex-4-week"]


def local(y, mo, d, h=8, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LONDON)


def paid_visit(start: datetime, minutes: int, rules=GUARANTEED, carers: int = 1, planned: int = 60) -> Payable:
    """A visit whose carers each stayed `minutes` from the planned start (paid as such when 30..planned+15)."""
    people = [CarerFacts(worker, start, start + timedelta(minutes=minutes)) for worker in range(1, carers + 1)]
    return payable_for_visit(VisitFacts(start, planned, people), rules, CALENDAR)


def held_visit(start: datetime, rules=GUARANTEED) -> Payable:
    return payable_for_visit(VisitFacts(start, 60, [CarerFacts(1, start, None)]), rules, CALENDAR)


def hours(count: int, rules=GUARANTEED, first: datetime = local(2026, 1, 12)) -> list[Payable]:
    """`count` one-hour visits on consecutive weekdays from Monday 12 January 2026 (2400p each)."""
    days = [first + timedelta(days=n) for n in range(count * 2) if (first + timedelta(days=n)).weekday() < 5]
    return [paid_visit(day, 60, rules) for day in days[:count]]


def summary(period) -> tuple:
    return (period.delivered_minutes, period.delivered_pence, period.adjustment.kind, period.adjustment.minutes,
            period.adjustment.amount_pence, period.minutes, period.amount_pence)


# ---- by hand at the shipped rates

def delivered(start: str, minutes: int, worker_id: int = 1, planned: int | None = None):
    """A visit of `minutes` real minutes starting at `start` (planned the same unless given)."""
    out = (at(start) + timedelta(minutes=minutes)).isoformat()
    return visit(start, planned or minutes, carer(start, out, worker_id))


def pay(facts_list, rule_set: str):
    return [payable_for_visit(f, rules(rule_set), CALENDAR) for f in facts_list]


def test_guaranteed_85_tops_up_a_short_block():
    # 4 weeks of 420 a week = 1680 commissioned; 85% = 1428. Delivered: 10 weekday visits of 100 = 1000.
    weekdays = [7, 8, 9, 10, 13, 14, 15, 16, 17, 20]  # 6 April 2026 is Easter Monday
    visits = pay([delivered(f"2026-04-{d:02d} 09:00", 100) for d in weekdays], "guaranteed-85")
    result = payable_for_period(visits, 1680, rules("guaranteed-85"))
    assert result.delivered_minutes == 1000
    assert result.delivered_pence == 10 * 4167  # 100 x 2500 / 60 = 4166.67 -> 4167 a visit
    assert (result.adjustment.kind, result.adjustment.minutes) == ("top_up", 428)
    assert result.adjustment.amount_pence == 17833  # 428 x 2500 / 60 = 17833.33, base rate
    assert result.minutes == 1428
    assert result.amount_pence == 41670 + 17833


def test_flex_with_contingency_cuts_only_the_minutes_over_it():
    # Tuesday 300 (12500p), Saturday 300 (15000p), next Tuesday 100 (4167p) = 700 min.
    # Total 600 + 60 contingency = 660: the last 40 minutes are cut at the Tuesday rate:
    # 4167 - 2500 (60 min) = 1667p.
    visits = pay([delivered("2026-04-07 09:00", 300), delivered("2026-04-11 09:00", 300),
                  delivered("2026-04-14 09:00", 100)], "flex-4-week")
    assert [v.amount_pence for v in visits] == [12500, 15000, 4167]
    result = payable_for_period(visits, 600, rules("flex-4-week"), contingency_minutes=60)
    assert (result.adjustment.kind, result.adjustment.minutes, result.adjustment.amount_pence) == \
        ("over_total", -40, -1667)
    assert (result.minutes, result.amount_pence) == (660, 31667 - 1667)


def test_flex_without_contingency_and_cut_across_lines_at_their_own_rates():
    visits = pay([delivered("2026-04-07 09:00", 300), delivered("2026-04-11 09:00", 300),
                  delivered("2026-04-14 09:00", 100)], "flex-4-week")
    assert payable_for_period(visits, 600, rules("flex-4-week")).adjustment.amount_pence == -4167
    # total 550: Saturday's last 50 min at 3000p/h (15000 - 12500 = 2500) and all of Tuesday (4167)
    result = payable_for_period(visits, 550, rules("flex-4-week"))
    assert (result.adjustment.minutes, result.adjustment.amount_pence) == (-150, -6667)


# Cap at scheduled, then raise to the authorised total. Practice: some council frameworks pay each
# call at most its scheduled time and then pay the care package's authorised hours for the period
# when the provider has delivered nearly all of them (here 95%), so small shortfalls are not docked.
# scheduled-then-authorised pays 2250 an hour (37.5 a minute) with no weekend enhancement.
WEEKDAYS = [7, 8, 9, 10, 13, 14, 15, 16, 17, 20, 21, 22, 23, 24, 27, 28, 29, 30]  # April 2026, Easter Monday out


def test_scheduled_then_raised_to_the_authorised_total():
    # 16 visits planned 100; one ran 110 and is capped at its scheduled 100: 1600 delivered.
    # 95% of 1680 = 1596 is reached: raised by 80 to 1680, 80 x 2250 / 60 = 3000 at the base rate.
    facts = [delivered(f"2026-04-{d:02d} 09:00", 100) for d in WEEKDAYS[:15]]
    facts.append(delivered(f"2026-04-{WEEKDAYS[15]:02d} 09:00", 110, planned=100))
    visits = pay(facts, "scheduled-then-authorised")
    assert [v.minutes for v in visits] == [100] * 16 and visits[0].amount_pence == 3750  # 100 x 37.5
    result = payable_for_period(visits, 1680, rules("scheduled-then-authorised"))
    assert (result.delivered_minutes, result.delivered_pence) == (1600, 60000)
    assert (result.adjustment.kind, result.adjustment.minutes, result.adjustment.amount_pence) == ("top_up", 80, 3000)
    assert (result.minutes, result.amount_pence) == (1680, 63000)
    assert "reaches 0.95 x authorised 1680 = 1596 min" in result.steps[-1].note


def test_scheduled_then_authorised_below_the_share_is_paid_as_delivered():
    # 15 x 100 + 90 = 1590, under 1596: not raised
    facts = [delivered(f"2026-04-{d:02d} 09:00", 100) for d in WEEKDAYS[:15]]
    facts.append(delivered(f"2026-04-{WEEKDAYS[15]:02d} 09:00", 90))
    result = payable_for_period(pay(facts, "scheduled-then-authorised"), 1680, rules("scheduled-then-authorised"))
    assert (result.adjustment.kind, result.adjustment.minutes, result.minutes) == ("none", 0, 1590)


def test_guaranteed_share_capped_at_the_commissioned_total():
    # Practice: a guaranteed-hours contract that also caps payment at the commissioned hours, so
    # the council pays between the guarantee and the package. 18 weekday visits of 100 = 1800
    # against 1680 commissioned: the last 120 delivered are cut, all of 30 April (4167) and 20
    # of 29 April's 100 (4167 - 80 x 2500 / 60 = 4167 - 3333 = 834): -5001.
    guaranteed = rules("guaranteed-85")
    capped = replace(guaranteed, period=replace(guaranteed.period, cap_at_commissioned=True))
    visits = pay([delivered(f"2026-04-{d:02d} 09:00", 100) for d in WEEKDAYS], "guaranteed-85")
    result = payable_for_period(visits, 1680, capped)
    assert (result.adjustment.kind, result.adjustment.minutes, result.adjustment.amount_pence) == (
        "over_total", -120, -5001)
    assert (result.minutes, result.amount_pence) == (1680, 18 * 4167 - 5001)
    assert payable_for_period(visits, 1680, guaranteed).minutes == 1800  # uncapped as shipped


# ---- guaranteed-85: at least 85% of commissioned minutes, the top-up at the base rate

@pytest.mark.parametrize("payables,commissioned,expected", [
    # 480 delivered; 85% of 600 = 510: top-up 30 min x 40p = 1200p.
    pytest.param(hours(8), 600, (480, 19200, "top_up", 30, 1200, 510, 20400), id="short-block-topped-up"),
    # 85% of 601 = 510.85, rounded up to 511: top-up 31 min = 1240p.
    pytest.param(hours(8), 601, (480, 19200, "top_up", 31, 1240, 511, 20440), id="guarantee-rounded-up"),
    # 480 + 30 = 510 delivered: exactly the guarantee, no top-up.
    pytest.param(hours(8) + [paid_visit(local(2026, 1, 26), 30)], 600, (510, 20400, "none", 0, 0, 510, 20400),
                 id="exactly-on-the-guarantee"),
    pytest.param(hours(8) + [paid_visit(local(2026, 1, 26), 29)], 600, (510, 20400, "none", 0, 0, 510, 20400),
                 id="short-visit-paid-minimum-counts-as-delivered"),
    pytest.param(hours(10), 600, (600, 24000, "none", 0, 0, 600, 24000), id="above-guarantee-paid-as-delivered"),
    # Saturdays pay 50p a minute as delivered; the top-up is at the base 40p.
    pytest.param([paid_visit(local(2026, 1, 17) + timedelta(days=7 * n), 60) for n in range(8)], 600,
                 (480, 24000, "top_up", 30, 1200, 510, 25200), id="weekend-delivery-base-rate-top-up"),
    # A double-up's two carers are two lines of delivered minutes.
    pytest.param([paid_visit(local(2026, 1, 12 + n), 60, carers=2) for n in range(4)], 600,
                 (480, 19200, "top_up", 30, 1200, 510, 20400), id="double-up-lines-count-separately"),
    pytest.param([], 600, (0, 0, "top_up", 510, 20400, 510, 20400), id="nothing-delivered"),
    pytest.param(hours(2), 0, (120, 4800, "none", 0, 0, 120, 4800), id="nothing-commissioned"),
])
def test_guaranteed_85(payables, commissioned, expected):
    assert summary(payable_for_period(payables, commissioned, GUARANTEED)) == expected


def test_guaranteed_85_does_not_count_held_lines_until_resolved():
    period = payable_for_period(hours(8) + [held_visit(local(2026, 1, 26))], 600, GUARANTEED)
    assert period.held_lines == 1
    assert summary(period) == (480, 19200, "top_up", 30, 1200, 510, 20400)
    assert "1 held lines not counted" in period.steps[0].note


def test_guaranteed_85_ignores_contingency_and_says_so():
    period = payable_for_period(hours(8), 600, GUARANTEED, contingency_minutes=60)
    assert summary(period) == (480, 19200, "top_up", 30, 1200, 510, 20400)
    assert "contingency minutes apply only to flex" in period.adjustment.note


def test_guaranteed_85_explains_itself():
    period = payable_for_period(hours(8), 600, GUARANTEED)
    assert [(s.rule, s.before, s.after) for s in period.steps] == [
        ("delivered", 0, 480), ("guaranteed_minimum", 480, 510)]
    note = period.steps[1].note
    assert "0.85 x 600 commissioned = 510" in note and "top-up 30 min" in note and "1200p" in note


# ---- flex-4-week: delivered minutes up to commissioned + contingency, latest minutes cut first

@pytest.mark.parametrize(
    "payables,commissioned,contingency,expected",
    [
        pytest.param(hours(8, FLEX), 480, 0, (480, 19200, "none", 0, 0, 480, 19200), id="exactly-on-the-total"),
        pytest.param(
            hours(8, FLEX), 600, 0, (480, 19200, "none", 0, 0, 480, 19200), id="under-the-total-paid-as-delivered"
        ),
        # 600 delivered, total 480 + 60 = 540: the last hour is not paid.
        pytest.param(
            hours(10, FLEX),
            480,
            60,
            (600, 24000, "over_total", -60, -2400, 540, 21600),
            id="contingency-then-the-last-visit-cut",
        ),
        # Total 500 + 30 = 530: the 9th hour is paid 50 of 60 minutes (2000p), the 10th not at all.
        pytest.param(
            hours(10, FLEX),
            500,
            30,
            (600, 24000, "over_total", -70, -2800, 530, 21200),
            id="partly-over-visit-paid-up-to-the-total",
        ),
        pytest.param(
            hours(10, FLEX), 480, 120, (600, 24000, "none", 0, 0, 600, 24000), id="contingency-covers-the-overrun"
        ),
        pytest.param([], 480, 0, (0, 0, "none", 0, 0, 0, 0), id="nothing-delivered-no-guarantee"),
    ],
)
def test_flex_4_week(payables, commissioned, contingency, expected):
    assert summary(payable_for_period(payables, commissioned, FLEX, contingency)) == expected


@pytest.mark.parametrize("commissioned,cut", [
    pytest.param(120, 3600, id="bank-holiday-visit-cut-whole"),
    # 30 of its 60 minutes fit: paid 30 x 60p = 1800p, cut 1800p.
    pytest.param(150, 1800, id="bank-holiday-visit-cut-half-at-its-own-rate"),
])
def test_flex_cuts_the_latest_visit_by_planned_start_at_its_own_rate(commissioned, cut):
    christmas = paid_visit(local(2026, 12, 25), 60, FLEX)
    given_order = [christmas, *hours(2, FLEX)]  # Christmas Day first as given, last in time
    period = payable_for_period(given_order, commissioned, FLEX)
    assert christmas.amount_pence == 3600
    assert (period.adjustment.minutes, period.adjustment.amount_pence) == (commissioned - 180, -cut)
    assert period.amount_pence == 4800 + 3600 - cut


def test_flex_does_not_count_held_or_undelivered_lines():
    cancelled = payable_for_visit(VisitFacts(local(2026, 1, 26), 60, [CarerFacts(1, None, None)], status="cancelled"),
                                  FLEX, CALENDAR)
    period = payable_for_period(hours(8, FLEX) + [held_visit(local(2026, 1, 27), FLEX), cancelled], 450, FLEX)
    assert (period.delivered_minutes, period.held_lines, period.minutes, period.amount_pence) == (480, 1, 450, 18000)


def test_flex_explains_itself():
    period = payable_for_period(hours(10, FLEX), 480, FLEX, contingency_minutes=60)
    assert [(s.rule, s.before, s.after) for s in period.steps] == [("delivered", 0, 600), ("flex", 600, 540)]
    assert "480 + contingency 60 = 540" in period.steps[1].note and "last 60 min" in period.steps[1].note


def test_block_tally_fed_line_by_line_matches_the_period_function():
    payables = hours(10, FLEX)
    tally = BlockTally(FLEX, 500, 30)
    for payable in payables:
        for line in payable.lines:
            tally.add(line)
    assert tally.settle() == payable_for_period(payables, 500, FLEX, 30)


@pytest.mark.parametrize("call,reason", [
    pytest.param(lambda: payable_for_period(hours(1, RULES["actual-by-minute"]), 60, RULES["actual-by-minute"]),
                 "no period rule", id="rule-set-without-a-period-rule"),
    pytest.param(lambda: payable_for_period(hours(1, FLEX), 60, GUARANTEED), "computed under",
                 id="payables-from-another-rule-set"),
    pytest.param(lambda: payable_for_period([], -1, GUARANTEED), None, id="negative-commissioned"),
    pytest.param(lambda: payable_for_period([], 60, FLEX, contingency_minutes=-5), None, id="negative-contingency"),
    pytest.param(lambda: payable_for_period([], 60.0, FLEX), None, id="float-commissioned"),
])
def test_period_refuses_what_it_cannot_settle(call, reason):
    with pytest.raises(ValueError, match=reason):
        call()


@pytest.mark.parametrize("day,block", [
    (date(2026, 4, 6), (date(2026, 4, 6), date(2026, 5, 3))),
    (date(2026, 5, 3), (date(2026, 4, 6), date(2026, 5, 3))),
    (date(2026, 5, 4), (date(2026, 5, 4), date(2026, 5, 31))),
    (date(2026, 4, 5), (date(2026, 3, 9), date(2026, 4, 5))),
    (date(2026, 10, 25), (date(2026, 10, 19), date(2026, 11, 15))),
])
def test_four_week_blocks_run_from_the_anchor(day, block):
    assert FLEX.period.block_of(day) == block
    assert GUARANTEED.period.block_of(day) == block


# ---- properties

@st.composite
def blocks(draw, rules):
    """Up to 30 visits on distinct days of a block, some held; each carer stayed 0..180 minutes."""
    days = draw(st.lists(st.integers(0, 27), unique=True, max_size=30))
    payables = []
    for offset in days:
        start = local(2026, 4, 6) + timedelta(days=offset)
        payables.append(held_visit(start, rules) if draw(st.booleans()) and draw(st.booleans())
                        else paid_visit(start, draw(st.integers(0, 180)), rules))
    return payables


@settings(deadline=None, max_examples=60)
@given(payables=blocks(GUARANTEED), commissioned=st.integers(0, 3000), seed=st.integers(0, 1000))
def test_property_guaranteed_pays_the_larger_of_delivery_and_guarantee(payables, commissioned, seed):
    period = payable_for_period(payables, commissioned, GUARANTEED)
    delivered_minutes = sum(p.minutes for p in payables)
    guaranteed = -(-commissioned * 85 // 100)  # 85%, rounded up, in integers
    assert period.delivered_minutes == delivered_minutes
    assert period.minutes == max(delivered_minutes, guaranteed)
    top_up = period.minutes - delivered_minutes
    assert period.amount_pence == sum(p.amount_pence for p in payables) + amount_pence(top_up, 2400)
    assert period.adjustment.minutes == top_up >= 0
    random.Random(seed).shuffle(payables)
    assert payable_for_period(payables, commissioned, GUARANTEED) == period


@settings(deadline=None, max_examples=60)
@given(payables=blocks(FLEX), commissioned=st.integers(0, 3000), contingency=st.integers(0, 600),
       seed=st.integers(0, 1000))
def test_property_flex_pays_delivery_up_to_the_total(payables, commissioned, contingency, seed):
    period = payable_for_period(payables, commissioned, FLEX, contingency)
    delivered_pence = sum(p.amount_pence for p in payables)
    assert period.minutes == min(period.delivered_minutes, commissioned + contingency)
    assert 0 <= period.amount_pence <= delivered_pence
    assert period.adjustment.minutes <= 0 and period.adjustment.amount_pence <= 0
    if period.delivered_minutes <= commissioned + contingency:
        assert period.amount_pence == delivered_pence
    random.Random(seed).shuffle(payables)
    assert payable_for_period(payables, commissioned, FLEX, contingency) == period
