"""Properties of payment by outcomes over generated rules and counts: what must hold for every input."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from server.payments.outcome_pay import MeasureCount, outcome_payment, shares
from server.payments.rules import OUTCOME_MEASURES, OUTCOME_RELEASES, OutcomeMeasureRule, OutcomePaymentRule

percents = st.decimals(min_value=0, max_value=100, places=1)


@st.composite
def rules(draw):
    names = draw(st.lists(st.sampled_from(OUTCOME_MEASURES), min_size=1, max_size=3, unique=True))
    measures = tuple(OutcomeMeasureRule(name, draw(percents), draw(st.integers(1, 50)),
                                        draw(st.sampled_from(OUTCOME_RELEASES))) for name in names)
    return OutcomePaymentRule(draw(percents), measures)


@st.composite
def counts(draw):
    result = {}
    for name in OUTCOME_MEASURES:
        cases = draw(st.integers(0, 500))
        result[name] = MeasureCount(cases, draw(st.integers(0, cases)))
    return result


paid = st.integers(-10**7, 10**9)


@given(rules(), paid, counts())
def test_retained_is_released_plus_withheld_and_nothing_is_negative(rule, paid_minor, counted):
    p = outcome_payment(rule, paid_minor, counted)
    assert p.retained_minor == p.released_minor + p.withheld_minor
    assert p.retained_minor >= 0 and p.released_minor >= 0 and p.withheld_minor >= 0
    assert p.retained_minor <= max(paid_minor, 0)
    for m in p.measures:
        assert 0 <= m.released_minor <= m.share_minor
    assert sum(m.share_minor for m in p.measures) == p.retained_minor
    assert sum(m.released_minor for m in p.measures) == p.released_minor


@given(rules(), paid, counts(), st.integers(2, 9))
def test_weights_are_normalised(rule, paid_minor, counted, factor):
    """Scaling every weight by the same factor changes nothing: only their proportions count."""
    scaled = OutcomePaymentRule(rule.top_slice_percent, tuple(
        OutcomeMeasureRule(m.name, m.target_percent, m.weight * factor, m.release) for m in rule.measures))
    assert outcome_payment(scaled, paid_minor, counted).measures == tuple(
        m.__class__(**{**m.__dict__, "weight": m.weight * factor}) for m in outcome_payment(rule, paid_minor,
                                                                                           counted).measures)


@given(rules(), paid, counts())
def test_meeting_every_target_releases_everything(rule, paid_minor, counted):
    met = {name: MeasureCount(c.cases, c.cases) for name, c in counted.items()}
    p = outcome_payment(rule, paid_minor, met)
    assert p.withheld_minor == 0 and p.payable_minor == paid_minor


@given(rules(), paid, counts())
def test_more_cases_met_never_releases_less(rule, paid_minor, counted):
    better = {name: MeasureCount(c.cases, min(c.cases, c.met + 1)) for name, c in counted.items()}
    assert outcome_payment(rule, paid_minor, better).released_minor >= \
        outcome_payment(rule, paid_minor, counted).released_minor


@given(st.integers(0, 10**9), st.lists(st.integers(1, 1000), min_size=1, max_size=6))
def test_shares_sum_to_the_total_and_follow_the_weights(total, weights):
    parts = shares(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    for part, weight in zip(parts, weights):
        assert abs(Decimal(part) - Decimal(total * weight) / whole) < 1
