"""Properties of the engine over generated visits: what must hold for every input, not just the worked cases."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from server.payments.engine import (
    HELD,
    PAID,
    BlockTally,
    CarerFacts,
    VisitFacts,
    amount_pence,
    multiplier_for,
    pay_carer,
    payable_for_visit,
    reads_instants,
)
from server.payments.rules import load_rule_sets
from tests.payments.engine_helpers import CALENDAR

RULE_SETS = load_rule_sets()
ABM = RULE_SETS["actual-by-minute"]

# Instants across 2026, both clock changes and every bank holiday included.
instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31, 23, 59),
                        timezones=st.just(timezone.utc))
durations = st.integers(min_value=-120 * 60, max_value=8 * 3600).map(lambda s: timedelta(seconds=s))
maybe = lambda strategy: st.one_of(st.none(), strategy)  # noqa: E731


@st.composite
def visits(draw):
    start = draw(instants)
    planned = draw(st.integers(1, 600))  # the visit schema refuses 0
    carers = []
    for worker_id in range(1, draw(st.integers(1, 3)) + 1):
        check_in = draw(maybe(st.builds(lambda d: start + d, durations)))
        check_out = draw(maybe(st.builds(lambda d: (check_in or start) + d, durations)))
        arrival = draw(maybe(st.builds(lambda d: (check_in or start) - abs(d), durations)))
        carers.append(CarerFacts(worker_id, check_in, check_out, arrival, draw(st.booleans()),
                                 draw(st.sampled_from([None, None, None, "no_checkout", "clock_skew"])),
                                 draw(st.booleans()), draw(st.sampled_from([0, 0, 5, 60])), draw(st.booleans())))
    status = draw(st.sampled_from(["completed", "completed", "in_progress", "late", "missed", "cancelled"]))
    flags = tuple(draw(st.lists(st.sampled_from(["short", "overrun", "understaffed", "late"]), unique=True)))
    return VisitFacts(start, planned, tuple(carers), status, draw(st.booleans()), flags=flags,
                      missed_reason=draw(st.sampled_from([None, "no_access", "client_not_home", "other"])))


@settings(max_examples=400, deadline=None)
@given(visits(), st.sampled_from(sorted(RULE_SETS)))
def test_payable_is_never_negative_and_explains_itself(facts, name):
    rules = RULE_SETS[name]
    for carer in facts.carers:
        line = pay_carer(facts, carer, rules, CALENDAR)
        assert line.minutes >= 0 and line.amount_pence >= 0
        if line.minutes or line.amount_pence:
            assert line.outcome == PAID
        assert line.steps[-1].after == line.minutes
        assert all(a.after == b.before for a, b in zip(line.steps, line.steps[1:]))
        lean = pay_carer(facts, carer, rules, CALENDAR, explain=False)
        assert (lean.outcome, lean.minutes, lean.amount_pence) == (line.outcome, line.minutes, line.amount_pence)


@settings(max_examples=400, deadline=None)
@given(visits())
def test_actual_by_minute_stays_between_the_minimum_and_the_cap(facts):
    for carer in facts.carers:
        line = pay_carer(facts, carer, ABM, CALENDAR)
        if line.outcome != PAID:
            assert line.minutes == 0
            continue
        assert line.minutes >= ABM.minimum_minutes
        cap = facts.planned_minutes + ABM.cap_minutes_over_planned + carer.overrun_approved_minutes
        if not facts.overrun_approved:
            assert line.minutes <= max(cap, ABM.minimum_minutes)
        if carer.check_out is not None:
            # whole minutes on UTC instants, never more than was worked unless the minimum lifts it
            worked = int((carer.check_out - carer.check_in).total_seconds() // 60)
            assert line.minutes == max(ABM.minimum_minutes, worked if facts.overrun_approved else min(worked, cap))


@settings(max_examples=300, deadline=None)
@given(visits())
def test_held_exactly_when_an_exception_or_incomplete_times_block_pay(facts):
    for carer in facts.carers:
        line = pay_carer(facts, carer, ABM, CALENDAR)
        if facts.status in ("missed", "cancelled"):
            assert line.outcome == "not_delivered"
        elif carer.open_exception:
            assert (line.outcome, line.held_reason) == (HELD, carer.open_exception)
        elif carer.check_in is None and carer.check_out is not None:
            assert line.held_reason == "missing_check_in"
        elif carer.check_in is not None and carer.check_out is None:
            assert line.outcome == (PAID if carer.accepted_without_checkout else HELD)


@given(st.integers(0, 100_000), st.integers(1, 100_000), st.sampled_from(["1", "1.2", "1.5", "1.333", "2.25"]))
def test_amount_is_exact_decimal_rounded_half_up(minutes, hourly, multiplier):
    exact = Decimal(minutes) * hourly * Decimal(multiplier) / 60
    assert amount_pence(minutes, hourly, Decimal(multiplier)) == int(exact.quantize(Decimal(1), ROUND_HALF_UP))


def settled(rules, minutes: list[int], commissioned: int, contingency: int = 0):
    """A block of one-carer visits an hour apart, each worked exactly as planned, settled."""
    tally = BlockTally(rules, commissioned, contingency)
    start = datetime(2026, 4, 7, 9, tzinfo=timezone.utc)
    for i, m in enumerate(minutes):
        tally.add(pay_carer(VisitFacts(start + timedelta(hours=i), m),
                            CarerFacts(1, start + timedelta(hours=i), start + timedelta(hours=i, minutes=m)),
                            rules, CALENDAR, explain=False))
    return tally.settle()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 400), max_size=30), st.integers(0, 3000), st.integers(0, 300))
def test_flex_pays_exactly_the_delivered_minutes_up_to_the_total(minutes, commissioned, contingency):
    rules = RULE_SETS["flex-4-week"]
    result = settled(rules, minutes, commissioned, contingency)
    assert result.minutes == min(result.delivered_minutes, commissioned + contingency)
    assert 0 <= result.amount_pence <= result.delivered_pence


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 400), max_size=30), st.integers(0, 5000))
def test_guaranteed_pays_at_least_the_guaranteed_share(minutes, commissioned):
    rules = RULE_SETS["guaranteed-85"]
    result = settled(rules, minutes, commissioned)
    assert result.minutes == max(result.delivered_minutes, -(-commissioned * 85 // 100))
    assert result.amount_pence >= result.delivered_pence


CAPPED = sorted(name for name, rules in RULE_SETS.items() if rules.cap_minutes_over_planned is not None)
MEASURED = sorted(name for name, rules in RULE_SETS.items() if rules.basis == "actual")


@settings(max_examples=400, deadline=None)
@given(visits(), st.sampled_from(CAPPED))
def test_never_above_the_cap_unless_approved(facts, name):
    """The cap moves by exactly the minutes approved for the carer; only an outright approval lifts it."""
    rules = RULE_SETS[name]
    for carer in facts.carers:
        line = pay_carer(facts, carer, rules, CALENDAR, explain=False)
        if not facts.overrun_approved:
            cap = facts.planned_minutes + rules.cap_minutes_over_planned + carer.overrun_approved_minutes
            assert line.minutes <= max(cap, rules.minimum_minutes)


@settings(max_examples=300, deadline=None)
@given(instants, st.integers(1, 600), st.integers(0, 900), st.integers(0, 240), st.booleans(),
       st.sampled_from(MEASURED))
def test_paid_minutes_and_amount_are_monotone_in_actual_minutes(start, planned, worked, more, approved, name):
    """Under a measured basis, a carer who stays longer is never paid less."""
    rules = RULE_SETS[name]

    def line(minutes):
        carer = CarerFacts(1, start, start + timedelta(minutes=minutes))
        return pay_carer(VisitFacts(start, planned, (carer,), overrun_approved=approved), carer, rules, CALENDAR,
                         explain=False)

    shorter, longer = line(worked), line(worked + more)
    assert longer.minutes >= shorter.minutes and longer.amount_pence >= shorter.amount_pence


@settings(max_examples=300, deadline=None)
@given(instants, st.integers(1, 600), st.integers(0, 900), st.sampled_from(MEASURED))
def test_rounding_is_idempotent(start, planned, worked, name):
    """A visit that lasted exactly the rounded minutes rounds to itself."""
    rules = RULE_SETS[name]

    def rounding(minutes):
        carer = CarerFacts(1, start, start + timedelta(minutes=minutes))
        steps = pay_carer(VisitFacts(start, planned, (carer,)), carer, rules, CALENDAR).steps
        return next(step for step in steps if step.rule == "rounding")

    once = rounding(worked)
    again = rounding(once.after)
    assert (again.before, again.after) == (once.after, once.after)


@settings(max_examples=300, deadline=None)
@given(instants, st.integers(1, 600), st.integers(0, 900))
def test_banded_amount_lies_between_the_day_rate_and_the_highest_band(start, planned, worked):
    rules = RULE_SETS["unsociable-hours"]
    carer = CarerFacts(1, start, start + timedelta(minutes=worked))
    line = pay_carer(VisitFacts(start, planned, (carer,)), carer, rules, CALENDAR, explain=False)
    day = multiplier_for(CALENDAR.day(start), rules)
    highest = max([day, *(band.multiplier for band in rules.rates.bands)])
    hourly = rules.rates.hourly_pence
    assert amount_pence(line.minutes, hourly, day) <= line.amount_pence <= amount_pence(line.minutes, hourly, highest)


@settings(max_examples=300, deadline=None)
@given(instants, st.integers(1, 600), st.lists(st.integers(0, 600), min_size=2, max_size=3),
       st.sampled_from(["average", "longer", "planned"]))
def test_a_double_up_paid_per_booking_pays_its_carers_alike(start, planned, worked, how):
    rules = replace(RULE_SETS["unsociable-hours"], double_up_pay=how)
    carers = tuple(CarerFacts(i, start, start + timedelta(minutes=m)) for i, m in enumerate(worked, 1))
    payable = payable_for_visit(VisitFacts(start, planned, carers), rules, CALENDAR, explain=False)
    assert len({line.minutes for line in payable.lines}) == 1
    booking = {"average": sum(worked) // len(worked), "longer": max(worked), "planned": planned}[how]
    assert payable.lines[0].minutes >= min(booking, planned + rules.cap_minutes_over_planned)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 400), max_size=30), st.integers(0, 5000))
def test_raised_to_the_authorised_total_only_when_the_share_is_reached(minutes, authorised):
    rules = RULE_SETS["scheduled-then-authorised"]
    result = settled(rules, minutes, authorised)
    reached = result.delivered_minutes * 100 >= authorised * 95
    assert result.minutes == (max(authorised, result.delivered_minutes) if reached else result.delivered_minutes)
    assert result.amount_pence >= result.delivered_pence


@st.composite
def checked_in_visits(draw, carers=st.integers(1, 2)):
    """Visits whose carers all checked in, some without checking out (or out before in)."""
    start = draw(instants)
    planned = draw(st.integers(0, 240))
    people = []
    for worker in range(1, draw(carers) + 1):
        check_in = start + timedelta(seconds=draw(st.integers(-3600, 7200)))
        check_out = draw(st.one_of(st.none(), st.integers(-600, 6 * 3600).map(
            lambda s, at=check_in: at + timedelta(seconds=s))))
        people.append(CarerFacts(worker, check_in, check_out))
    return VisitFacts(start, planned, people, overrun_approved=draw(st.booleans()))


@settings(deadline=None)
@given(facts=checked_in_visits(), name=st.sampled_from(sorted(RULE_SETS)))
def test_amount_is_the_minutes_at_the_day_rate_and_held_without_a_check_out(facts, name):
    rules = RULE_SETS[name]
    payable = payable_for_visit(facts, rules, CALENDAR)
    multiplier = multiplier_for(CALENDAR.day(facts.planned_start), rules)
    for c, line in zip(facts.carers, payable.lines, strict=True):
        assert line.minutes >= 0 and line.amount_pence >= 0
        if rules.rates.bands:  # priced by time of day: only bounded by the day rate and the highest band
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
@given(facts=checked_in_visits())
def test_commissioned_pays_the_planned_minutes(facts):
    for line in payable_for_visit(facts, RULE_SETS["commissioned"], CALENDAR).lines:
        assert line.minutes == (0 if line.held else facts.planned_minutes)


@settings(deadline=None)
@given(start=instants, minutes=st.integers(0, 600))
def test_elapsed_time_is_real_time_in_any_zone(start, minutes):
    """Whole minutes are the same whether the times are given in UTC or London local time."""
    end = start + timedelta(minutes=minutes)
    london = ZoneInfo("Europe/London")
    in_london = VisitFacts(start.astimezone(london), 600,
                           [CarerFacts(1, start.astimezone(london), end.astimezone(london))])
    line = payable_for_visit(in_london, RULE_SETS["actual-by-minute"], CALENDAR).lines[0]
    assert line.steps[0].after == minutes


def _moved(carer: CarerFacts, by: timedelta) -> CarerFacts:
    def move(moment):
        return moment and moment + by

    return replace(carer, check_in=move(carer.check_in), check_out=move(carer.check_out), arrival=move(carer.arrival),
                   bill_start=move(carer.bill_start), bill_end=move(carer.bill_end))


@settings(max_examples=400, deadline=None)
@given(visits(), st.sampled_from(sorted(name for name, rules in RULE_SETS.items() if not reads_instants(rules))),
       st.integers(-12 * 60, 12 * 60).map(lambda m: timedelta(minutes=m, seconds=17)),
       st.sampled_from([None, "sleep_in", "waking_night"]), st.sampled_from([(), ("outside_geofence",)]),
       st.sampled_from([None, "accept", "reject"]), maybe(st.tuples(durations, durations)))
def test_without_time_bands_facts_moved_together_within_their_local_date_are_paid_alike(
        facts, name, by, visit_type, hold_flags, decision, bill):
    """What lets an export price each shape of row once a day (facts.shape_of): only the planned start's local
    date and the distances between the instants count."""
    assume(CALENDAR.day(facts.planned_start) == CALENDAR.day(facts.planned_start + by))
    rules = RULE_SETS[name]
    if bill:
        facts = replace(facts, carers=tuple(replace(c, bill_start=facts.planned_start + bill[0],
                                                    bill_end=facts.planned_start + bill[1]) for c in facts.carers))
    facts = replace(facts, visit_type=visit_type, hold_flags=hold_flags, pay_decision=decision)
    moved = replace(facts, planned_start=facts.planned_start + by, carers=tuple(_moved(c, by) for c in facts.carers))
    for carer, moved_carer in zip(facts.carers, moved.carers):
        assert pay_carer(facts, carer, rules, CALENDAR, explain=False) == \
            pay_carer(moved, moved_carer, rules, CALENDAR, explain=False)
