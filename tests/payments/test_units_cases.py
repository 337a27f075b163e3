"""Unit billing worked by hand, each case citing the payer practice it follows.

Rule set us-evv-15min: T1019 (personal care) in 15-minute units at 612 cents, CMS 8-minute rule,
24 units a day, authorisation required; S5130 (homemaker) in complete 15-minute units at 455
cents, leftover minutes carried within the calendar month, authorisation required.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from server.payments.engine import HELD, NOT_PAID, PAID, pay_carer
from server.payments.units import Authorisation, UnitBiller, whole_units
from tests.payments.engine_helpers import CALENDAR, carer, rules, visit

US = rules("us-evv-15min")
T1019, S5130 = US.service_codes["T1019"], US.service_codes["S5130"]
CLIENT = 7
MARCH = {"first": date(2026, 3, 1), "last": date(2026, 3, 31)}


def line(start: str, end: str, worker_id: int = 1, explain: bool = True):
    """The engine's line for one carer checked in start..end on 2026-03-<day> (local times)."""
    return pay_carer(visit(start, 60, carer(start, end, worker_id)), carer(start, end, worker_id), US, CALENDAR,
                     explain=explain)


def biller(*authorisations):
    return UnitBiller(US, authorisations or (Authorisation(1, CLIENT, "T1019", units=1000, **MARCH),
                                             Authorisation(2, CLIENT, "S5130", units=1000, **MARCH)))


@pytest.mark.parametrize("minutes, units", [(7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (60, 4)])
def test_cms_eight_minute_rule_bills_a_unit_from_the_eighth_minute(minutes, units):
    # CMS 8-minute rule: a 15-minute unit is billed once at least 8 minutes of it were delivered;
    # 7 minutes bill nothing, 22 minutes one unit, 23 minutes two.
    assert whole_units(minutes, T1019)[0] == units


@pytest.mark.parametrize("minutes, units, left", [(14, 0, 14), (15, 1, 0), (29, 1, 14), (44, 2, 14)])
def test_complete_units_only_bill_whole_units(minutes, units, left):
    # Payers that pay "complete units only" (many state homemaker codes): 29 minutes are one unit.
    assert whole_units(minutes, S5130) == (units, left)


def test_a_personal_care_visit_explained_step_by_step():
    # 09:00-09:38 is 38 minutes: 2 whole units and 8 minutes, which the 8-minute rule bills as a third.
    bill = biller().bill(line("2026-03-02 09:00", "2026-03-02 09:38"), CLIENT, "T1019", explain=True)
    assert (bill.units, bill.line.minutes, bill.line.amount_pence) == (3, 45, 3 * 612)
    assert [s.rule for s in bill.line.steps][-5:] == ["carry_in", "units", "daily_limit", "authorisation", "rate"]
    assert bill.line.steps[-1].note == "3 units x 612 = 1836"
    assert "8-minute rule" in bill.line.steps[-4].note
    assert (bill.authorisation_id, bill.authorised_units, bill.remaining_units) == (1, 1000, 997)


def test_leftover_minutes_carry_to_the_carers_next_homemaker_visit_in_the_month():
    # State Medicaid EVV unit billing with carry-over: 29 minutes bill one complete unit and carry
    # 14; the next visit's 16 minutes plus 14 carried are 30, two units, nothing left.
    b = biller()
    first = b.bill(line("2026-03-02 10:00", "2026-03-02 10:29"), CLIENT, "S5130", explain=True)
    second = b.bill(line("2026-03-05 10:00", "2026-03-05 10:16"), CLIENT, "S5130", explain=True)
    assert (first.units, first.carried_in, first.carried_out) == (1, 0, 14)
    assert (second.units, second.carried_in, second.carried_out) == (2, 14, 0)
    assert second.line.amount_pence == 2 * 455
    assert (
        "14 min carried from the carer's previous S5130 visit this month" in second.line.steps[-4].note
    )  # no daily limit step


def test_carry_over_is_kept_per_carer_and_ends_with_the_month():
    b = biller(Authorisation(3, CLIENT, "S5130", date(2026, 3, 1), date(2026, 4, 30), units=100))
    b.bill(line("2026-03-30 10:00", "2026-03-30 10:29", worker_id=1), CLIENT, "S5130")
    other = b.bill(line("2026-03-31 10:00", "2026-03-31 10:16", worker_id=2), CLIENT, "S5130")
    april = b.bill(line("2026-04-01 10:00", "2026-04-01 10:16", worker_id=1), CLIENT, "S5130")
    assert (other.carried_in, other.units) == (0, 1)  # another carer's leftover is not theirs
    assert (april.carried_in, april.units, april.carried_out) == (0, 1, 1)  # March's 14 min stayed in March


def test_units_over_the_daily_limit_are_flagged_and_not_paid():
    # Medicaid personal care limits units per day (here 24, 6 hours): a 4-hour then a 3-hour visit
    # on one day bill 16 + 12 units, of which the last 4 are over the limit.
    b = biller()
    b.bill(line("2026-03-03 08:00", "2026-03-03 12:00"), CLIENT, "T1019")
    second = b.bill(line("2026-03-03 13:00", "2026-03-03 16:00"), CLIENT, "T1019", explain=True)
    assert (second.units, second.flags, second.line.outcome) == (8, ("over_daily_limit",), PAID)
    assert second.line.amount_pence == 8 * 612
    assert second.line.steps[-3].note == "4 units over the limit of 24 a day: not paid"


def test_lines_beyond_the_authorisation_are_flagged_and_not_paid():
    # Prior authorisation (state Medicaid): 10 units of T1019 authorised for March; a 2-hour visit
    # (8 units) is paid, the next 2-hour visit is paid the 2 units left and flagged, a third none.
    b = biller(Authorisation(5, CLIENT, "T1019", units=10, **MARCH))
    first = b.bill(line("2026-03-02 09:00", "2026-03-02 11:00"), CLIENT, "T1019")
    second = b.bill(line("2026-03-03 09:00", "2026-03-03 11:00"), CLIENT, "T1019")
    third = b.bill(line("2026-03-04 09:00", "2026-03-04 11:00"), CLIENT, "T1019")
    assert (first.units, first.remaining_units, first.flags) == (8, 2, ())
    assert (second.units, second.remaining_units, second.flags) == (2, 0, ("over_authorisation",))
    assert (third.units, third.line.outcome, third.line.amount_pence) == (0, NOT_PAID, 0)


def test_an_authorisation_in_hours_counts_whole_units():
    # Some states authorise hours: 2.5 hours (150 minutes) of S5130 are 10 units of 15 minutes.
    b = biller(Authorisation(6, CLIENT, "S5130", minutes=150, **MARCH))
    bill = b.bill(line("2026-03-02 09:00", "2026-03-02 09:30"), CLIENT, "S5130")
    assert (bill.authorised_units, bill.remaining_units) == (10, 8)


def test_no_authorisation_where_the_code_requires_one_pays_nothing():
    bill = UnitBiller(US).bill(line("2026-03-02 09:00", "2026-03-02 09:30"), CLIENT, "T1019")
    assert (bill.units, bill.flags, bill.line.outcome) == (0, ("no_authorisation",), NOT_PAID)


def test_a_visit_without_a_billable_service_code_is_held():
    for code in (None, "G0156"):
        bill = biller().bill(line("2026-03-02 09:00", "2026-03-02 09:30"), CLIENT, code, explain=True)
        assert (bill.line.outcome, bill.line.held_reason, bill.line.amount_pence) == (HELD, "no_service_code", 0)


def test_held_lines_pass_through_and_carry_nothing():
    b = biller()
    held = pay_carer(visit("2026-03-02 10:00", 60, carer("2026-03-02 10:00", None)),
                     carer("2026-03-02 10:00", None), US, CALENDAR)
    assert b.bill(held, CLIENT, "S5130").line is held
    assert b.bill(line("2026-03-02 11:00", "2026-03-02 11:20"), CLIENT, "S5130").carried_in == 0


def test_visit_maintenance_bill_times_are_paid_and_clock_times_kept():
    # State Medicaid EVV visit maintenance: a coordinator sets the bill time 09:00-10:00 for a visit
    # whose carer clocked 09:20-09:31; the clock times are only quoted, the bill time is billed.
    billed = carer("2026-03-02 09:20", "2026-03-02 09:31")
    billed = replace(billed, bill_start=carer("2026-03-02 09:00", None).check_in,
                     bill_end=carer("2026-03-02 10:00", None).check_in, bill_reason="device_malfunction")
    engine_line = pay_carer(visit("2026-03-02 09:00", 60, billed), billed, US, CALENDAR)
    assert engine_line.minutes == 60
    assert (
        engine_line.steps[0].rule == "bill_time"
        and "09:20 GMT to 2026-03-02 09:31 GMT kept" in engine_line.steps[0].note
    )
    assert biller().bill(engine_line, CLIENT, "T1019").units == 4
