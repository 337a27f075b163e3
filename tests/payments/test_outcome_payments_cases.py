"""Worked cases for payment by outcomes and the weekly-budget model, every answer computed by hand.

The shipped rule set outcomes-top-slice retains 5%, split 2:1:1 between outcomes held or improved
(target 80%, on target), reablement on time (70%, pro rata) and reviews on time (90%, on target).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from server.payments.budgets import NO_PLAN, ON_TRACK, OVERDUE, REDUCED, PackageFacts, budget_line
from server.payments.outcome_pay import MeasureCount, held_or_improved, outcome_payment, shares
from server.payments.rules import OutcomeMeasureRule, OutcomePaymentRule, RuleSetError, load_rule_set, rule_set_named

RULE = rule_set_named("outcomes-top-slice").outcome_payments
HELD, REABLE, REVIEWS = "outcomes_held_or_improved", "reablement_on_time", "reviews_on_time"


def released(payment) -> list[int]:
    return [m.released_minor for m in payment.measures]


def test_every_target_met_releases_everything():
    # 5% of 1,000,000p = 50,000; 2:1:1 -> 25,000 / 12,500 / 12,500
    p = outcome_payment(RULE, 1_000_000, {HELD: MeasureCount(10, 8), REABLE: MeasureCount(10, 7),
                                          REVIEWS: MeasureCount(10, 9)})
    assert (p.retained_minor, p.released_minor, p.withheld_minor, p.payable_minor) == (50_000, 50_000, 0, 1_000_000)
    assert [m.share_minor for m in p.measures] == [25_000, 12_500, 12_500]
    assert [m.result_percent for m in p.measures] == [Decimal("80.0"), Decimal("70.0"), Decimal("90.0")]


def test_on_target_measure_missed_by_one_case_withholds_its_whole_share():
    # 7 of 10 = 70% < 80%: the 25,000 share is withheld; reviews 9 of 10 met
    p = outcome_payment(RULE, 1_000_000, {HELD: MeasureCount(10, 7), REABLE: MeasureCount(4, 4),
                                          REVIEWS: MeasureCount(10, 9)})
    assert released(p) == [0, 12_500, 12_500]
    assert (p.released_minor, p.withheld_minor, p.payable_minor) == (25_000, 25_000, 975_000)
    assert "target missed, share withheld" in p.measures[0].note


def test_pro_rata_releases_in_proportion_to_the_target_rounded_down():
    # reablement 1 of 2 = 50% against 70%: 12,500 x 100 / (70 x 2) = 8928.57 -> 8928
    p = outcome_payment(RULE, 1_000_000, {HELD: MeasureCount(5, 5), REABLE: MeasureCount(2, 1),
                                          REVIEWS: MeasureCount(1, 1)})
    assert released(p) == [25_000, 8_928, 12_500]
    assert p.withheld_minor == 12_500 - 8_928


def test_a_measure_with_no_cases_releases_its_share():
    p = outcome_payment(RULE, 40_000, {HELD: MeasureCount(3, 3)})
    # 5% of 40,000 = 2,000 -> 1,000 / 500 / 500, all released
    assert released(p) == [1_000, 500, 500]
    assert p.measures[1].result_percent is None and p.measures[1].target_met is None
    assert "no cases" in p.measures[2].note


def test_retained_rounds_half_up_and_shares_split_by_largest_remainder():
    # 5% of 1,010p = 50.5 -> 51; 51 x 2/4 = 25.5, 51 x 1/4 = 12.75 twice -> 25, 12, 12 + 2 leftover:
    # remainders 2 (of 4), 3, 3: the two 12.75s take one each -> 25, 13, 13
    p = outcome_payment(RULE, 1_010, {HELD: MeasureCount(1, 0), REABLE: MeasureCount(1, 0),
                                      REVIEWS: MeasureCount(1, 0)})
    assert p.retained_minor == 51
    assert [m.share_minor for m in p.measures] == [25, 13, 13]
    assert (p.released_minor, p.withheld_minor) == (0, 51)


def test_a_period_that_paid_nothing_or_refunded_retains_nothing():
    for paid in (0, -5_000):
        p = outcome_payment(RULE, paid, {HELD: MeasureCount(4, 0)})
        assert (p.retained_minor, p.released_minor, p.withheld_minor, p.payable_minor) == (0, 0, 0, paid)


def test_a_decimal_top_slice():
    rule = OutcomePaymentRule(Decimal("2.5"), (OutcomeMeasureRule(REVIEWS, Decimal(100), 1),))
    # 2.5% of 12,345 = 308.625 -> 309; 3 of 4 reviews on time < 100%: withheld
    p = outcome_payment(rule, 12_345, {REVIEWS: MeasureCount(4, 3)})
    assert (p.retained_minor, p.released_minor, p.withheld_minor) == (309, 0, 309)
    assert p.explanation[0] == "retained 2.5% of 12345 = 309 (rounded half-up)"
    assert p.explanation[-1] == "released 0, withheld 309"


def test_shares_of_equal_weights_give_the_leftover_to_the_earlier():
    assert shares(10, (1, 1, 1)) == [4, 3, 3]
    assert shares(0, (5, 1)) == [0, 0]


@pytest.mark.parametrize("pairs, expected", [
    ([(3, 3), (2, 4)], True),    # held and improved
    ([(3, 4), (4, 3)], False),   # one fell
    ([], None),                  # nothing to compare
])
def test_held_or_improved(pairs, expected):
    assert held_or_improved(pairs) == expected


# ---- the weekly-budget model

def package(**extra) -> PackageFacts:
    base = {"package_id": 1, "client_id": 7, "weekly_minutes": 600, "weekly_budget_minor": 21_000,
            "starts_on": date(2026, 11, 2), "ends_on": None}
    return PackageFacts(**{**base, **extra})


def test_budget_is_paid_for_the_days_in_force_whatever_the_minutes():
    # 2-29 Nov 2026 is 28 days: 4 weeks x 21,000
    line = budget_line(package(), date(2026, 11, 2), date(2026, 11, 29), today=date(2026, 12, 4))
    assert (line.days, line.budget_minor, line.over_plan_minor, line.status) == (28, 84_000, 0, NO_PLAN)
    # started on 5 Nov: 25 days x 21,000 / 7 = 75,000
    line = budget_line(package(starts_on=date(2026, 11, 5)), date(2026, 11, 2), date(2026, 11, 29), date(2026, 12, 4))
    assert (line.days, line.budget_minor) == (25, 75_000)


def test_a_reduction_not_made_shows_as_over_plan():
    # planned down to 300 of 600 min after 15 Nov: reduced budget 10,500 a week.
    # planned: 14 days (2-15 Nov) x 21,000 + 14 days x 10,500, / 7 = 42,000 + 21,000 = 63,000
    facts = package(reablement=True, planned_end_on=date(2026, 11, 15), planned_weekly_minutes=300,
                    minutes_after_plan=600)
    line = budget_line(facts, date(2026, 11, 2), date(2026, 11, 29), today=date(2026, 12, 4))
    assert (line.budget_minor, line.planned_budget_minor, line.over_plan_minor) == (84_000, 63_000, 21_000)
    assert (line.planned_weekly_budget_minor, line.status) == (10_500, OVERDUE)


def test_a_reduction_made_or_still_ahead():
    made = package(reablement=True, planned_end_on=date(2026, 11, 15), planned_weekly_minutes=0,
                   ends_on=date(2026, 11, 15), minutes_after_plan=0)
    line = budget_line(made, date(2026, 11, 2), date(2026, 11, 29), today=date(2026, 12, 4))
    # ended as planned: 14 days paid and planned, 42,000 each
    assert (line.budget_minor, line.planned_budget_minor, line.over_plan_minor, line.status) == \
        (42_000, 42_000, 0, REDUCED)
    ahead = package(reablement=True, planned_end_on=date(2026, 12, 20), planned_weekly_minutes=0,
                    minutes_after_plan=600)
    assert budget_line(ahead, date(2026, 11, 2), date(2026, 11, 29), date(2026, 12, 4)).status == ON_TRACK


# ---- the rule-set keys

def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "council-outcomes.toml"
    path.write_text('basis = "planned"\nminimum_minutes = 0\nmissing_checkout = "hold"\n'
                    'paid_activity_categories = []\n' + body +
                    '[rates]\nhourly_pence = 2000\nweekend_multiplier = "1"\nbank_holiday_multiplier = "1"\n')
    return path


def test_outcome_payment_keys_load(tmp_path):
    rules = load_rule_set(write(tmp_path, '[outcome_payments]\ntop_slice_percent = "7.5"\n'
                                          '[[outcome_payments.measures]]\nname = "reviews_on_time"\n'
                                          'target_percent = 95\nweight = 3\nrelease = "pro_rata"\n'))
    assert rules.outcome_payments == OutcomePaymentRule(
        Decimal("7.5"), (OutcomeMeasureRule("reviews_on_time", Decimal(95), 3, "pro_rata"),))
    assert rules.model == "per_visit"


OP = "[outcome_payments]\ntop_slice_percent = 5\n"
MEASURE = '[[outcome_payments.measures]]\nname = "{name}"\ntarget_percent = {target}\nweight = {weight}\n'


def measure(name="reviews_on_time", target=90, weight=1) -> str:
    return MEASURE.format(name=name, target=target, weight=weight)


@pytest.mark.parametrize("body, key", [
    ("[outcome_payments]\ntop_slice_percent = 101\n" + measure(), "outcome_payments.top_slice_percent"),
    ("[outcome_payments]\ntop_slice_percent = 5.0\n", "outcome_payments.top_slice_percent"),
    (OP, "outcome_payments.measures"),
    (OP + measure(name="happiness"), "outcome_payments.measures[0].name"),
    (OP + measure(weight=0), "outcome_payments.measures[0].weight"),
    (OP + measure() + measure(target=80), "outcome_payments.measures"),
    ('model = "by_the_hour"\n', "model"),
    ('model = "weekly_budget"\n[period]\nkind = "flex"\nweeks = 4\nanchor = 2026-04-06\n', "period"),
])
def test_bad_outcome_payment_keys_are_refused_naming_the_key(tmp_path, body, key):
    with pytest.raises(RuleSetError) as refused:
        load_rule_set(write(tmp_path, body))
    assert refused.value.key == key


def test_weekly_budget_model_loads(tmp_path):
    assert load_rule_set(write(tmp_path, 'model = "weekly_budget"\n')).model == "weekly_budget"
