"""Punctuality and visit state from carers' times, with the design's default thresholds and a contract's own.

DESIGN.md: early is a check-in more than 30 minutes before the planned start, late
is one after planned start + 30 minutes; a check-in exactly on a threshold is on time.
The rules work on UTC instants, so the clock-change nights need no special case.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from server.directory.models import Contract
from server.timeutil import local_wall_time_to_utc
from server.visits.models import Visit, VisitAssignment
from server.visits.service import punctuality, refresh_state

UTC = timezone.utc
PLANNED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
THRESHOLDS = ("early_minutes", "late_minutes", "missed_minutes", "no_checkout_minutes", "geofence_radius_m",
              "accuracy_limit_m", "short_percent", "overrun_minutes")


def default_contract(**overrides) -> Contract:
    """A contract carrying exactly the column defaults a new row would get."""
    values = {name: Contract.__table__.c[name].default.arg for name in THRESHOLDS}
    return Contract(**{**values, **overrides})


def visit_at(planned: datetime, started: datetime | None, contract: Contract | None = None) -> Visit:
    return Visit(planned_start=planned, planned_minutes=30, status="scheduled", started_at=started,
                 contract=contract or default_contract())


def test_contract_defaults_are_the_designs():
    c = default_contract()
    assert (c.early_minutes, c.late_minutes, c.missed_minutes, c.no_checkout_minutes) == (30, 30, 60, 60)
    assert (c.geofence_radius_m, c.accuracy_limit_m) == (150, 100)
    assert (c.short_percent, c.overrun_minutes) == (90, 0)  # visits/flags.py: short under 90 %, overrun beyond planned


@pytest.mark.parametrize("offset,expected", [
    (timedelta(minutes=-45), "early"),
    (timedelta(minutes=-30, seconds=-1), "early"),
    (timedelta(minutes=-30), "on_time"),
    (timedelta(minutes=-5), "on_time"),
    (timedelta(0), "on_time"),
    (timedelta(minutes=29, seconds=59), "on_time"),
    (timedelta(minutes=30), "on_time"),
    (timedelta(minutes=30, seconds=1), "late"),
    (timedelta(minutes=31), "late"),
    (timedelta(hours=3), "late"),
])
def test_punctuality_with_default_thresholds(offset, expected):
    assert punctuality(visit_at(PLANNED, PLANNED + offset)) == expected


@pytest.mark.parametrize("offset,expected", [
    (timedelta(minutes=15), "on_time"),
    (timedelta(minutes=15, seconds=1), "late"),
    (timedelta(minutes=-10), "on_time"),
    (timedelta(minutes=-10, seconds=-1), "early"),
])
def test_punctuality_uses_the_contracts_thresholds(offset, expected):
    """A council that pays on the vendors' usual 15-minute window, and allows only 10 minutes early."""
    contract = default_contract(late_minutes=15, early_minutes=10)
    assert punctuality(visit_at(PLANNED, PLANNED + offset, contract)) == expected


@pytest.mark.parametrize("day,planned_local,check_in,minutes_after,expected", [
    # 25 October 2026: 01:30 happens twice; a planned time means the first (BST), 00:30 UTC.
    (date(2026, 10, 25), "01:30", datetime(2026, 10, 25, 1, 10, tzinfo=UTC), 40, "late"),
    # 29 March 2026: 00:45 GMT planned, checked in at 02:10 BST, which is 01:10 UTC.
    (date(2026, 3, 29), "00:45", datetime(2026, 3, 29, 1, 10, tzinfo=UTC), 25, "on_time"),
])
def test_punctuality_across_the_clock_change(day, planned_local, check_in, minutes_after, expected):
    planned = local_wall_time_to_utc(day, planned_local, "Europe/London")
    assert check_in - planned == timedelta(minutes=minutes_after)
    assert punctuality(visit_at(planned, check_in)) == expected


def carer(worker_id: int, checked_in=None, checked_out=None, removed=None) -> VisitAssignment:
    return VisitAssignment(worker_id=worker_id, checked_in_at=checked_in, checked_out_at=checked_out,
                           removed_at=removed)


def visit_with(*assignments, status="scheduled") -> Visit:
    visit = visit_at(PLANNED, None)
    visit.status = status
    visit.assignments = list(assignments)
    return visit


def test_state_without_any_times_is_left_alone():
    for status in ("scheduled", "late", "en_route"):
        visit = visit_with(carer(1), status=status)
        refresh_state(visit)
        assert (visit.status, visit.started_at, visit.punctuality) == (status, None, None)


def test_a_check_in_starts_the_visit_and_sets_punctuality():
    visit = visit_with(carer(1, PLANNED + timedelta(minutes=35)), status="late")
    refresh_state(visit)
    assert (visit.status, visit.started_at, visit.ended_at, visit.punctuality) == (
        "in_progress", PLANNED + timedelta(minutes=35), None, "late")


def test_double_up_completes_only_when_both_carers_are_out():
    first = carer(1, PLANNED + timedelta(minutes=2), PLANNED + timedelta(minutes=40))
    second = carer(2, PLANNED - timedelta(minutes=1))
    visit = visit_with(first, second)
    refresh_state(visit)
    assert (visit.status, visit.started_at, visit.ended_at) == ("in_progress", PLANNED - timedelta(minutes=1), None)
    second.checked_out_at = PLANNED + timedelta(minutes=45)
    refresh_state(visit)
    assert (visit.status, visit.ended_at, visit.punctuality) == ("completed", PLANNED + timedelta(minutes=45),
                                                                 "on_time")


def test_a_removed_carers_times_do_not_count_while_someone_is_assigned():
    removed = carer(1, PLANNED - timedelta(hours=2), PLANNED - timedelta(hours=1), removed=PLANNED - timedelta(days=1))
    current = carer(2, PLANNED + timedelta(minutes=10))
    visit = visit_with(removed, current)
    refresh_state(visit)
    assert (visit.started_at, visit.ended_at, visit.status) == (PLANNED + timedelta(minutes=10), None, "in_progress")


def test_a_cancelled_visit_keeps_its_status_but_records_times():
    visit = visit_with(carer(1, PLANNED, PLANNED + timedelta(minutes=30)), status="cancelled")
    refresh_state(visit)
    assert (visit.status, visit.started_at, visit.ended_at) == ("cancelled", PLANNED, PLANNED + timedelta(minutes=30))
