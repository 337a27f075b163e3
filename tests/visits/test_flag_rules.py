"""Each flag of visits/flags.py on both sides of its threshold, worked by hand."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.visits.flags import CarerTimes, Thresholds, VisitTimes, flags_for, is_verified

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
LIMITS = Thresholds()


def visit(check_in=START, minutes=45, planned=45, required=1, carers=None, tasks=(), done=(), skew=False,
          geofence=("verified", "verified"), manual=False):
    check_out = None if minutes is None else check_in + minutes * MIN
    carers = carers if carers is not None else (CarerTimes(check_in, check_out, *geofence, manual),)
    return VisitTimes(START, planned, required, check_in, check_out, tuple(carers), tuple(tasks), frozenset(done),
                      skew)


def test_a_visit_as_planned_has_no_flags():
    assert flags_for(visit(), LIMITS) == []


@pytest.mark.parametrize(("offset", "flagged"), [(-30, False), (-31, True), (-120, True)])
def test_early_is_more_than_30_minutes_before_planned_start(offset, flagged):
    assert ("early" in flags_for(visit(check_in=START + offset * MIN), LIMITS)) is flagged


@pytest.mark.parametrize(("offset", "flagged"), [(30, False), (31, True)])
def test_late_is_more_than_30_minutes_after_planned_start(offset, flagged):
    assert ("late" in flags_for(visit(check_in=START + offset * MIN), LIMITS)) is flagged


@pytest.mark.parametrize(("minutes", "planned", "flagged"), [
    (41, 45, False),  # 90 % of 45 is 40.5: 41 is not under it
    (40, 45, True),
    (27, 30, False),  # exactly 90 %
    (26, 30, True),
    (0, 45, True),    # a 7-second visit is 0 whole minutes
])
def test_short_is_under_90_percent_of_planned(minutes, planned, flagged):
    assert ("short" in flags_for(visit(minutes=minutes, planned=planned), LIMITS)) is flagged


@pytest.mark.parametrize(("minutes", "flagged"), [(45, False), (46, True)])
def test_overrun_is_beyond_planned(minutes, flagged):
    assert ("overrun" in flags_for(visit(minutes=minutes), LIMITS)) is flagged


def test_thresholds_come_from_the_contract():
    limits = Thresholds(early_minutes=15, late_minutes=15, short_percent=50, overrun_minutes=10)
    assert flags_for(visit(check_in=START - 16 * MIN, minutes=22), limits) == ["early", "short"]
    assert flags_for(visit(check_in=START - 15 * MIN, minutes=23), limits) == []  # 50 % of 45 is 22.5
    assert flags_for(visit(minutes=55), limits) == []
    assert flags_for(visit(check_in=START + 16 * MIN, minutes=56), limits) == ["late", "overrun"]


@pytest.mark.parametrize(("geofence", "flag"), [
    (("outside", "verified"), "outside_geofence"), (("verified", "outside"), "outside_geofence"),
    (("unverified", "verified"), "unverified_location"), (("verified", "none"), "unverified_location"),
])
def test_either_fix_outside_or_unjudged_is_flagged(geofence, flag):
    assert flags_for(visit(geofence=geofence), LIMITS) == [flag]


def test_a_visit_still_in_progress_is_judged_on_its_check_in_only():
    running = visit(minutes=None, tasks=("Lunch",), geofence=("verified", None))
    assert flags_for(running, LIMITS) == []


def test_tasks_not_done_once_the_visit_ended():
    assert flags_for(visit(tasks=("Lunch", "Meds"), done=("Lunch",)), LIMITS) == ["tasks_not_done"]
    assert flags_for(visit(tasks=("Lunch", "Meds"), done=("Lunch", "Meds")), LIMITS) == []


def test_understaffed_when_fewer_carers_checked_in_than_required():
    there = CarerTimes(START, START + 45 * MIN, "verified", "verified")
    absent = CarerTimes(None, None)
    assert flags_for(visit(required=2, carers=(there, absent)), LIMITS) == ["understaffed"]
    assert flags_for(visit(required=2, carers=(there, there)), LIMITS) == []


def test_manual_times_are_flagged_and_carry_no_location_flag():
    assert flags_for(visit(manual=True, geofence=(None, None)), LIMITS) == ["manual_times"]


def test_clock_skew_is_carried():
    assert flags_for(visit(skew=True), LIMITS) == ["clock_skew"]


def test_the_seven_second_visit_two_hours_early_off_site_with_nothing_done():
    judged = visit(check_in=START - 120 * MIN, minutes=0, tasks=("a", "b", "c"), geofence=("outside", "outside"))
    assert flags_for(judged, LIMITS) == ["early", "short", "outside_geofence", "tasks_not_done"]


def test_verified_means_completed_in_the_geofence_within_thresholds():
    assert is_verified("completed", [])
    assert is_verified("completed", ["tasks_not_done", "overrun", "understaffed"])
    assert not is_verified("completed", ["unverified_location"])
    assert not is_verified("completed", ["early"])
    assert not is_verified("missed", [])
