"""Settlement blocks: the guaranteed-85 top-up and the flex-4-week total with contingency, by hand.

Shipped rates: 2500p an hour on weekdays, 3000p at weekends.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from server.payments.engine import payable_for_period, payable_for_visit
from tests.payments.engine_helpers import CALENDAR, at, carer, rules, visit


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


def test_guaranteed_85_pays_delivery_above_the_guarantee_as_delivered():
    visits = pay([delivered(f"2026-04-{6 + d:02d} 09:00", 75) for d in range(20)], "guaranteed-85")  # 1500
    result = payable_for_period(visits, 1680, rules("guaranteed-85"))
    assert (result.adjustment.kind, result.adjustment.minutes, result.adjustment.amount_pence) == ("none", 0, 0)
    assert result.minutes == 1500


def test_guaranteed_85_exactly_on_the_guarantee_and_rounded_up():
    # 85% of 1001 = 850.85, guaranteed 851: 850 delivered is one minute short
    visits = pay([delivered("2026-04-06 09:00", 850)], "guaranteed-85")
    assert visits[0].minutes == 850
    assert payable_for_period(visits, 1001, rules("guaranteed-85")).adjustment.minutes == 1
    assert payable_for_period(visits, 1000, rules("guaranteed-85")).adjustment.minutes == 0  # 850 exactly


def test_guaranteed_85_with_nothing_delivered_and_held_lines_not_counted():
    held = payable_for_visit(visit("2026-04-06 09:00", 60, carer("2026-04-06 09:00", None)),
                             rules("guaranteed-85"), CALENDAR)
    result = payable_for_period([held], 100, rules("guaranteed-85"))
    assert (result.delivered_minutes, result.held_lines, result.adjustment.minutes) == (0, 1, 85)


def test_flex_within_the_total_pays_everything():
    visits = pay([delivered("2026-04-06 09:00", 300), delivered("2026-04-07 09:00", 300)], "flex-4-week")
    result = payable_for_period(visits, 600, rules("flex-4-week"))
    assert (result.adjustment.minutes, result.adjustment.amount_pence, result.minutes) == (0, 0, 600)


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


def test_flex_order_is_by_planned_start_not_as_given():
    late, early = delivered("2026-04-14 09:00", 100), delivered("2026-04-11 09:00", 300)
    result = payable_for_period(pay([late, early], "flex-4-week"), 300, rules("flex-4-week"))
    assert result.adjustment.amount_pence == -4167  # the Tuesday visit, last in time, is the one cut


def test_exactly_on_the_flex_total():
    visits = pay([delivered("2026-04-06 09:00", 330), delivered("2026-04-07 09:00", 330)], "flex-4-week")
    assert payable_for_period(visits, 600, rules("flex-4-week"), 60).adjustment.minutes == 0


def test_period_rules_refuse_what_they_cannot_settle():
    with pytest.raises(ValueError, match="no period rule"):
        payable_for_period([], 100, rules("actual-by-minute"))
    other = pay([delivered("2026-04-06 09:00", 60)], "actual-by-minute")
    with pytest.raises(ValueError, match="computed under"):
        payable_for_period(other, 100, rules("flex-4-week"))


def test_blocks_run_every_four_weeks_from_the_anchor():
    from datetime import date

    period = rules("flex-4-week").period
    assert period.block_of(date(2026, 4, 6)) == (date(2026, 4, 6), date(2026, 5, 3))
    assert period.block_of(date(2026, 5, 3)) == (date(2026, 4, 6), date(2026, 5, 3))
    assert period.block_of(date(2026, 5, 4)) == (date(2026, 5, 4), date(2026, 5, 31))
    assert period.block_of(date(2026, 4, 5)) == (date(2026, 3, 9), date(2026, 4, 5))


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
