"""Properties of unit billing over generated runs of visits: rounding, carry-over and limits."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from server.payments.calendar import DayKind
from server.payments.engine import PAID, Line
from server.payments.rules import UnitRule, load_rule_sets
from server.payments.units import Authorisation, UnitBiller, whole_units

US = load_rule_sets()["us-evv-15min"]

unit_rules = st.builds(UnitRule, code=st.just("T1019"), unit_minutes=st.integers(1, 60),
                       unit_rate_pence=st.integers(0, 5000),
                       unit_rounding=st.sampled_from(["eight_minute_rule", "complete_units"]),
                       carry_over=st.sampled_from(["none", "day", "week", "month"]),
                       daily_unit_limit=st.one_of(st.none(), st.integers(1, 40)),
                       authorisation_required=st.booleans())


def paid_line(minutes: int, day: date, worker_id: int) -> Line:
    return Line(worker_id, PAID, minutes, 0, None, DayKind(day, "weekday", None), 2400, 1)


runs = st.lists(st.tuples(st.integers(0, 600), st.integers(0, 40), st.integers(1, 3)), min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10_000), unit_rules)
def test_rounding_is_idempotent_and_never_loses_a_whole_unit(minutes, rule):
    units, leftover = whole_units(minutes, rule)
    assert whole_units(units * rule.unit_minutes, rule) == (units, 0)
    assert 0 <= leftover < rule.unit_minutes
    assert units * rule.unit_minutes + leftover >= minutes >= (units - 1) * rule.unit_minutes + leftover


@settings(max_examples=300, deadline=None)
@given(runs, unit_rules, st.one_of(st.none(), st.integers(0, 200)))
def test_carry_over_conserves_minutes_and_limits_hold(visits, rule, authorised):
    rules = US.__class__(**{**US.__dict__, "service_codes": {"T1019": rule}})
    auths = () if authorised is None else (Authorisation(1, 7, "T1019", date(2026, 1, 1), date(2026, 12, 31),
                                                         units=authorised),)
    biller = UnitBiller(rules, auths)
    start = date(2026, 3, 1)
    by_carer: dict[int, list] = {}
    daily: dict[date, int] = {}
    paid_total = 0
    for minutes, offset, worker in sorted(visits, key=lambda v: v[1]):
        day = start + timedelta(days=offset)
        bill = biller.bill(paid_line(minutes, day, worker), 7, "T1019")
        assert minutes + bill.carried_in == bill.used_minutes + bill.dropped_minutes + bill.carried_out
        assert bill.line.minutes == bill.units * rule.unit_minutes
        assert bill.line.amount_pence == bill.units * rule.unit_rate_pence
        if rule.carry_over == "none":
            assert bill.carried_in == bill.carried_out == 0
        previous = by_carer.get(worker)
        if previous is not None and bill.carried_in:
            assert bill.carried_in == previous.carried_out  # what was carried is what arrives, once
        by_carer[worker] = bill
        daily[day] = daily.get(day, 0) + bill.units
        paid_total += bill.units
    if rule.daily_unit_limit is not None:
        assert max(daily.values()) <= rule.daily_unit_limit
    if authorised is not None:
        assert paid_total <= authorised
    elif rule.authorisation_required:
        assert paid_total == 0
