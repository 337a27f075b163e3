"""Fixed-fee visit types, worked by hand, each case citing the practice it comes from.

unsociable-hours pays a medication_prompt 850 (reporting 15 min) and a sleep_in 9000 (reporting
the planned minutes), for each carer who attended. By the minute the same set pays 2400 an hour
(40 a minute) with a 30-minute minimum, a cap of planned + 15, the night band 22:00-07:00 x1.3
and weekends x1.2. Times are local London wall-clock times (see engine_helpers).
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from server.payments.engine import HELD, NOT_DELIVERED, PAID, pay_carer, payable_for_visit
from server.payments.rules import FixedFee
from tests.payments.engine_helpers import CALENDAR, carer, rules, visit

MON = "2026-11-23"  # an ordinary Monday
TUE = "2026-11-24"
SAT = "2026-11-28"
SUN = "2026-11-29"
UNSOCIABLE = rules("unsociable-hours")


def paid(facts, rule_set=UNSOCIABLE):
    return [
        (line.outcome, line.minutes, line.amount_pence) for line in payable_for_visit(facts, rule_set, CALENDAR).lines
    ]


# Medication prompts. Practice: councils commission short medication prompts at a flat price per
# call (a "15-minute medication call"), since the prompt is the service whatever the clock shows:
# 9 minutes is paid the fee and so are 40, where by the minute they would pay the 30-minute
# minimum (1200) and the capped 30 minutes (1200).
@pytest.mark.parametrize("check_out, by_minute", [
    ("08:09", (PAID, 30, 1200)),   # 9 min: raised to the 30-minute minimum, 30 x 40
    ("08:40", (PAID, 30, 1200)),   # 40 min: capped at planned 15 + 15 = 30, 30 x 40
])
def test_a_medication_prompt_is_paid_its_fee_whatever_its_length(check_out, by_minute):
    times = carer(f"{MON} 08:00", f"{MON} {check_out}")
    assert paid(visit(f"{MON} 08:00", 15, times, visit_type="medication_prompt")) == [(PAID, 15, 850)]
    assert paid(visit(f"{MON} 08:00", 15, times)) == [by_minute]


def test_the_fixed_fee_is_explained_in_one_step_instead_of_the_minute_rules():
    facts = visit(f"{MON} 08:00", 15, carer(f"{MON} 08:00", f"{MON} 08:09"), visit_type="medication_prompt")
    line = pay_carer(facts, facts.carers[0], UNSOCIABLE, CALENDAR)
    (step,) = line.steps
    assert (step.rule, step.before, step.after) == ("fixed_fee", 9, 15)
    assert step.note == ("medication prompt visit: a fixed fee of 850 (minor units) for each attending carer, "
                         "whatever its length (9 min measured); no rounding, tolerance, cap, minimum, time bands or "
                         "day enhancements; the fee's 15 min reported")


# Sleep-ins. Practice: a sleep-in night is paid a flat allowance, not by the hour (hours asleep are
# not time worked: Mencap v Tomlinson-Blake [2021] UKSC 8), so the night band and the weekend
# enhancement do not touch it. Saturday 22:00 to Sunday 07:00 is 540 min; by the minute it
# would pay 540 x 40 x 1.3 (the night band beats the weekend's 1.2) = 28080.
def test_a_weekend_sleep_in_is_paid_the_flat_allowance_not_night_or_weekend_rates():
    times = carer(f"{SAT} 22:00", f"{SUN} 07:00")
    facts = visit(f"{SAT} 22:00", 540, times, visit_type="sleep_in")
    assert paid(facts) == [(PAID, 540, 9000)]  # the planned 540 reported, as the fee gives no minutes
    assert paid(replace(facts, visit_type=None)) == [(PAID, 540, 28080)]
    (step,) = pay_carer(facts, times, UNSOCIABLE, CALENDAR).steps
    assert "whatever its length (540 min measured)" in step.note and step.note.endswith("the planned 540 min reported")


def test_a_sleep_in_on_a_bank_holiday_is_still_the_allowance():
    # Christmas Day 2026, a bank holiday (x1.5 by the minute): the allowance is the same.
    facts = visit("2026-12-25 22:00", 600, carer("2026-12-25 22:00", "2026-12-26 08:00"), visit_type="sleep_in")
    assert paid(facts) == [(PAID, 600, 9000)]


# Double-handed sleep-ins. Practice: where a client needs two carers overnight, each carer is paid
# the sleep-in allowance; on an understaffed night only the carer who came is paid, as with any
# double-up.
def test_each_attending_carer_of_a_double_up_gets_the_fee():
    both = visit(f"{TUE} 22:00", 600, carer(f"{TUE} 22:00", "2026-11-25 08:00", 1),
                 carer(f"{TUE} 22:05", "2026-11-25 07:30", 2), visit_type="sleep_in")
    assert paid(both) == [(PAID, 600, 9000), (PAID, 600, 9000)]
    one = visit(f"{TUE} 22:00", 600, carer(f"{TUE} 22:00", "2026-11-25 08:00", 1), carer(None, None, 2),
                visit_type="sleep_in", flags=("understaffed",))
    assert paid(one) == [(PAID, 600, 9000), (NOT_DELIVERED, 0, 0)]


# Held and undelivered visits. Practice: a flat fee is for a delivered visit; electronic call
# monitoring holds a visit with no check-out for a coordinator, and pays nothing for a cancelled one.
def test_held_and_cancelled_fixed_fee_visits_are_treated_as_any_other():
    held = visit(f"{MON} 08:00", 15, carer(f"{MON} 08:00", None), visit_type="medication_prompt",
                 status="in_progress")
    assert paid(held) == [(HELD, 0, 0)]
    cancelled = visit(f"{MON} 08:00", 15, carer(None, None), visit_type="medication_prompt", status="cancelled")
    assert paid(cancelled) == [(NOT_DELIVERED, 0, 0)]


# A visit type the rule set has no fee for. Practice: a council pays welfare checks a flat fee only
# where its contract says so; elsewhere they are ordinary visits paid by the minute.
def test_a_visit_type_without_a_fee_in_the_rule_set_is_paid_by_its_minutes():
    times = carer(f"{MON} 10:00", f"{MON} 10:45")
    facts = visit(f"{MON} 10:00", 45, times, visit_type="welfare_check")
    assert paid(facts) == [(PAID, 45, 1800)]  # 45 x 40
    with_fee = replace(UNSOCIABLE, fixed_fees={"welfare_check": FixedFee("welfare_check", 600, 0)})
    assert paid(facts, with_fee) == [(PAID, 0, 600)]  # 0 min reported: the fee is not time worked
    assert paid(facts, rules("actual-by-minute")) == [(PAID, 45, 1875)]  # no fixed fees: 45 x 2500 / 60
