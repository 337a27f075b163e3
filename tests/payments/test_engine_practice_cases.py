"""Payable time v2, worked by hand, each case citing the practice it comes from.

Rates: unsociable-hours pays 2400 an hour (40 a minute), x1.2 at weekends (48 a minute),
evening band 20:00-22:00 x1.15 (46 a minute), night band 22:00-07:00 x1.3 (52 a minute);
actual-by-minute pays 2500 an hour. Amounts are whole minor units, rounded half-up once a line.
Times are local London wall-clock times (see engine_helpers).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import time
from decimal import Decimal

import pytest

from server.payments.engine import NOT_DELIVERED, PAID, pay_carer, payable_for_visit
from server.payments.rules import RateBand
from tests.payments.engine_helpers import CALENDAR, carer, rules, visit

MON = "2026-11-23"  # an ordinary Monday
SAT = "2026-11-28"
UNSOCIABLE = rules("unsociable-hours")


def paid(facts, rule_set=UNSOCIABLE):
    return [
        (line.outcome, line.minutes, line.amount_pence) for line in payable_for_visit(facts, rule_set, CALENDAR).lines
    ]


# Tolerance as a share of planned time. Practice: councils' electronic call monitoring terms
# commonly pay a visit delivered to a set share of its commissioned time (85-90%) in full, as an
# alternative to a fixed-minutes tolerance, so that a carer's few minutes short on a long visit
# are not docked while a short visit keeps its fixed allowance.
@pytest.mark.parametrize("check_out, expected", [
    ("10:54", (PAID, 60, 2400)),  # 54 = 90% of 60: paid the planned 60 x 40
    ("10:53", (PAID, 53, 2120)),  # 53 is under 90% (54) and under 60 - 5 = 55: 53 x 40
    ("10:55", (PAID, 60, 2400)),  # 55 reaches 60 - 5: the fixed-minutes tolerance still applies
])
def test_tolerance_as_a_share_of_planned(check_out, expected):
    facts = visit(f"{MON} 10:00", 60, carer(f"{MON} 10:00", f"{MON} {check_out}"))
    assert paid(facts) == [expected]


def test_the_share_tolerance_is_explained():
    facts = visit(f"{MON} 10:00", 60, carer(f"{MON} 10:00", f"{MON} 10:54"))
    line = pay_carer(facts, facts.carers[0], UNSOCIABLE, CALENDAR)
    tolerance = next(step for step in line.steps if step.rule == "tolerance")
    assert (tolerance.before, tolerance.after) == (54, 60)
    assert "at least 90% of planned 60: paid as planned" in tolerance.note


# Double-ups paid per booking. Practice: some council frameworks price a double-handed call as one
# booking, the call's duration times the carers required, rather than each carer's own log, so
# one carer leaving early does not change what each is paid.
@pytest.mark.parametrize("how, expected_each", [
    ("each", [(PAID, 40, 1600), (PAID, 50, 2000)]),   # each carer's own minutes
    ("average", [(PAID, 45, 1800)] * 2),              # (40 + 50) / 2 = 45 each, 90 in all
    ("longer", [(PAID, 50, 2000)] * 2),               # the longer carer's 50 each, 100 in all
    ("planned", [(PAID, 60, 2400)] * 2),              # the planned 60 each, 120 in all
])
def test_double_up_paid_per_booking(how, expected_each):
    facts = visit(
        f"{MON} 10:00", 60, carer(f"{MON} 10:00", f"{MON} 10:40", 1), carer(f"{MON} 10:00", f"{MON} 10:50", 2)
    )
    assert paid(facts, replace(UNSOCIABLE, double_up_pay=how)) == expected_each


def test_double_up_average_is_rounded_down_and_a_held_carer_does_not_count():
    # (40 + 51) / 2 = 45.5 -> 45 each
    both = visit(f"{MON} 10:00", 60, carer(f"{MON} 10:00", f"{MON} 10:40", 1), carer(f"{MON} 10:00", f"{MON} 10:51", 2))
    assert paid(both) == [(PAID, 45, 1800)] * 2
    # the second carer has no check-out: held, and the first is paid their own 40 (no booking of one)
    held = visit(f"{MON} 10:00", 60, carer(f"{MON} 10:00", f"{MON} 10:40", 1), carer(f"{MON} 10:00", None, 2),
                 status="in_progress")
    assert paid(held) == [(PAID, 40, 1600), ("held", 0, 0)]
    line = payable_for_visit(both, UNSOCIABLE, CALENDAR).lines[0]
    step = next(s for s in line.steps if s.rule == "double_up")
    assert (step.before, step.after) == (40, 45) and "45 min for each of 2 carers (90 min in all)" in step.note


# Overrun approval in minutes. Practice: coordinators confirm with the council how long an
# overrunning call really needed (UKHCA's guidance on electronic call monitoring asks that
# genuine extra time be approved, not paid automatically); the approval names the minutes.
def test_overrun_approved_in_minutes_moves_the_cap_by_exactly_that_much():
    abm = rules("actual-by-minute")
    # 70 actual, cap 30 + 15 = 45, approved 10 more: 55 x 2500 / 60 = 2291.67 -> 2292
    facts = visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 10:10", 1, overrun_approved_minutes=10),
                  carer(f"{MON} 09:00", f"{MON} 10:10", 2))
    assert paid(facts, abm) == [(PAID, 55, 2292), (PAID, 45, 1875)]  # the second carer has no approval
    cap = next(s for s in payable_for_visit(facts, abm, CALENDAR).lines[0].steps if s.rule == "cap")
    assert (cap.before, cap.after) == (70, 55) and "+ 10 approved by a coordinator for this carer = 55" in cap.note
    # approving more than was worked pays what was worked: 70 x 2500 / 60 = 2916.67 -> 2917
    generous = visit(f"{MON} 09:00", 30, carer(f"{MON} 09:00", f"{MON} 10:10", overrun_approved_minutes=60))
    assert paid(generous, abm) == [(PAID, 70, 2917)]


# Time-of-day bands. Practice: council rate schedules enhance unsociable hours (evenings, nights)
# by the local clock; whether a call is banded by its planned start, its actual start or minute by
# minute is set in each framework. Enhancements do not stack: the higher applies.
@pytest.mark.parametrize("start, end, minutes, expected", [
    (f"{MON} 19:45", f"{MON} 20:30", 45, 1980),  # 15 x 40 + 30 x 46 = 600 + 1380
    (f"{MON} 21:30", f"{MON} 22:30", 60, 2940),  # 30 x 46 + 30 x 52 = 1380 + 1560
    (f"{MON} 06:30", f"{MON} 07:30", 60, 2760),  # 30 x 52 + 30 x 40 = 1560 + 1200
    (f"{SAT} 19:45", f"{SAT} 20:30", 45, 2160),  # weekend 1.2 beats evening 1.15: 45 x 48
    (f"{SAT} 21:30", f"{SAT} 22:30", 60, 3000),  # 30 x 48 (weekend) + 30 x 52 (night beats weekend)
])
def test_time_bands_minute_by_minute(start, end, minutes, expected):
    assert paid(visit(start, minutes, carer(start, end))) == [(PAID, minutes, expected)]


def test_time_bands_by_planned_or_actual_start():
    # planned at 19:45, checked in 20:05 to 20:50: 45 min
    facts = visit(f"{MON} 19:45", 45, carer(f"{MON} 20:05", f"{MON} 20:50"))
    by_planned = replace(UNSOCIABLE, rates=replace(UNSOCIABLE.rates, band_by="planned_start"))
    by_actual = replace(UNSOCIABLE, rates=replace(UNSOCIABLE.rates, band_by="actual_start"))
    assert paid(facts, by_planned) == [(PAID, 45, 1800)]  # 19:45 has no band: 45 x 40
    assert paid(facts, by_actual) == [(PAID, 45, 2070)]   # 20:05 is evening: 45 x 46
    assert paid(facts) == [(PAID, 45, 2070)]              # by minute: every minute 20:05-20:50 is evening
    rate = payable_for_visit(facts, by_actual, CALENDAR).lines[0].steps[-1]
    assert rate.rule == "rate" and "evening band 20:00-22:00" in rate.note and "by the band at 20:05 GMT" in rate.note


def test_time_bands_by_minute_across_the_autumn_clock_change():
    # Sunday 25 October 2026: 00:30 BST to 01:45 GMT is 135 real minutes. A band from 01:30 to
    # 06:00 (x2, 80 a minute) holds 01:30-02:00 BST and again 01:30-01:45 GMT: 45 minutes.
    # The other 90 are at the weekend's 48: 90 x 48 + 45 x 80 = 4320 + 3600.
    rates = replace(UNSOCIABLE.rates, bands=(RateBand("small hours", time(1, 30), time(6), Decimal(2)),))
    uncapped = replace(UNSOCIABLE, rates=rates, cap_minutes_over_planned=None)
    facts = visit("2026-10-25 00:30", 135, carer("2026-10-25 00:30", "2026-10-25 01:45+00:00"))
    assert paid(facts, uncapped) == [(PAID, 135, 7920)]


# Frustrated visits. Practice: council frameworks pay a "frustrated call" (no access, client
# not at home, refused) only with evidence the carer attended; some pay the planned time, some a
# fixed fee, some nothing. Here the evidence is an arrival inside the geofence and the reason.
def frustrated(reason="no_access", inside=True):
    return visit(f"{MON} 10:00", 30, carer(None, None, arrival=f"{MON} 10:02", arrival_in_geofence=inside),
                 status="missed", missed_reason=reason)


def test_frustrated_visit_paid_as_planned_with_evidence():
    assert paid(frustrated()) == [(PAID, 30, 1200)]  # 30 x 40
    line = payable_for_visit(frustrated(), UNSOCIABLE, CALENDAR).lines[0]
    assert line.steps[0].rule == "frustrated" and "arrival recorded inside the geofence" in line.steps[0].note


def test_frustrated_visit_without_evidence_or_reason_is_not_delivered():
    assert paid(frustrated(inside=False)) == [(NOT_DELIVERED, 0, 0)]
    assert paid(frustrated(reason="carer_unavailable")) == [(NOT_DELIVERED, 0, 0)]
    assert paid(frustrated(), rules("actual-by-minute")) == [(NOT_DELIVERED, 0, 0)]  # no [frustrated] table


def test_frustrated_visit_fixed_fee_and_nothing():
    fixed = rules("scheduled-then-authorised")
    assert paid(frustrated(), fixed) == [(PAID, 0, 1200)]  # the contract's fixed 1200, whatever the minutes
    nothing = replace(UNSOCIABLE, frustrated=replace(UNSOCIABLE.frustrated, pay="nothing"))
    assert paid(frustrated(), nothing) == [(NOT_DELIVERED, 0, 0)]


# Visit flags in the explanation. Practice: councils reconciling invoices ask why a short or
# overrunning call was paid as it was; the flag is shown beside the minutes.
def test_flags_open_the_explanation():
    facts = visit(f"{MON} 10:00", 60, carer(f"{MON} 10:00", f"{MON} 10:20"), flags=("short", "late"))
    line = payable_for_visit(facts, UNSOCIABLE, CALENDAR).lines[0]
    assert line.steps[0].rule == "flags" and line.steps[0].note == "flagged short (well under the planned minutes)"
    assert [s.rule for s in line.steps][1:3] == ["actual", "access_time"]
