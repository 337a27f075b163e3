"""Doses due at a visit, worked out by hand, across both of 2026's UK clock changes."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

from server.medication.schedule import VisitSlot, as_required, due_at_visit, in_force

TZ = "Europe/London"


def version(number=1, medication_id=1, starts_on=date(2026, 1, 1), ends_on=None, times=("08:00",), patterns=(),
            weekdays=None, prn=False, name="Levodopa"):
    return SimpleNamespace(number=number, medication_id=medication_id, starts_on=starts_on, ends_on=ends_on,
                           times=list(times), visit_pattern_ids=list(patterns), weekdays=weekdays, prn=prn, name=name,
                           time_critical=True)


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def slots(visit, day_visits, medicines):
    return [(d.medication_id, d.slot, d.due_at) for d in due_at_visit(visit, day_visits, medicines, TZ)]


def test_a_time_of_day_is_due_at_the_nearest_visit_that_day():
    morning, lunch = VisitSlot(1, utc(2026, 1, 5, 8, 0), None), VisitSlot(2, utc(2026, 1, 5, 12, 30), None)
    meds = [[version(times=("08:00", "12:00"))]]
    assert slots(morning, [morning, lunch], meds) == [(1, "08:00", morning.planned_start)]
    assert slots(lunch, [morning, lunch], meds) == [(1, "12:00", lunch.planned_start)]


def test_summer_time_reads_the_local_clock_not_utc():
    """08:00 in July is 07:00 UTC: the 07:00 UTC visit has the dose, not the 08:00 UTC one."""
    early, later = VisitSlot(1, utc(2026, 7, 6, 7, 0), None), VisitSlot(2, utc(2026, 7, 6, 8, 0), None)
    meds = [[version()]]
    assert slots(early, [early, later], meds) == [(1, "08:00", early.planned_start)]
    assert slots(later, [early, later], meds) == []


def test_clocks_going_forward_keep_the_dose_at_the_local_morning_visit():
    """29 March 2026: 01:00 UTC becomes 02:00 BST. A 08:00 dose is at the 07:00 UTC (08:00 BST) visit."""
    before, after = VisitSlot(1, utc(2026, 3, 28, 8, 0), None), VisitSlot(2, utc(2026, 3, 29, 7, 0), None)
    assert slots(before, [before], [[version()]]) == [(1, "08:00", before.planned_start)]
    assert slots(after, [after], [[version()]]) == [(1, "08:00", after.planned_start)]


def test_a_time_the_clocks_skip_moves_on_by_the_gap():
    """01:30 does not exist on 29 March 2026: it reads as 02:30 BST, 01:30 UTC, nearest the 01:30 UTC visit."""
    night, dawn = VisitSlot(1, utc(2026, 3, 29, 1, 30), None), VisitSlot(2, utc(2026, 3, 29, 0, 0), None)
    meds = [[version(times=("01:30",))]]
    assert slots(night, [dawn, night], meds) == [(1, "01:30", night.planned_start)]


def test_clocks_going_back_take_the_first_of_the_repeated_hour_and_keep_the_local_date():
    """25 October 2026: 01:00-02:00 happens twice, and 01:30 means the first (00:30 UTC). A visit at 23:30 UTC
    on the 24th is 00:30 BST on the 25th: the 25th's 00:30 dose is due at it."""
    first, second = VisitSlot(1, utc(2026, 10, 25, 0, 30), None), VisitSlot(2, utc(2026, 10, 25, 1, 30), None)
    meds = [[version(times=("01:30",))]]
    assert slots(first, [first, second], meds) == [(1, "01:30", first.planned_start)]
    assert slots(second, [first, second], meds) == []
    late_evening = VisitSlot(3, utc(2026, 10, 24, 23, 30), None)
    assert slots(late_evening, [late_evening], [[version(times=("00:30",))]]) == [
        (1, "00:30", late_evening.planned_start)
    ]


def test_a_visit_moved_takes_its_doses_and_one_moved_too_far_loses_them():
    moved = VisitSlot(1, utc(2026, 1, 5, 10, 0), None)
    assert slots(moved, [moved], [[version()]]) == [(1, "08:00", moved.planned_start)]
    too_far = VisitSlot(1, utc(2026, 1, 5, 11, 1), None)
    assert slots(too_far, [too_far], [[version()]]) == []


def test_a_tie_goes_to_the_earlier_visit():
    a, b = VisitSlot(1, utc(2026, 1, 5, 7, 0), None), VisitSlot(2, utc(2026, 1, 5, 9, 0), None)
    assert slots(a, [b, a], [[version()]]) and not slots(b, [b, a], [[version()]])


def test_pattern_doses_are_due_at_that_patterns_visits_only():
    meds = [[version(times=(), patterns=(7,))]]
    ours, other = VisitSlot(1, utc(2026, 1, 5, 18, 0), 7), VisitSlot(2, utc(2026, 1, 5, 8, 0), 8)
    assert slots(ours, [ours, other], meds) == [(1, "visit", ours.planned_start)]
    assert slots(other, [ours, other], meds) == []


def test_versions_apply_from_their_start_and_stop_after_their_end():
    v1 = version(number=1, starts_on=date(2026, 1, 1), times=("08:00",))
    v2 = version(number=2, starts_on=date(2026, 2, 1), times=("09:00",), ends_on=date(2026, 2, 10))
    assert in_force([v1, v2], date(2025, 12, 31)) is None
    assert in_force([v1, v2], date(2026, 1, 31)) is v1
    assert in_force([v1, v2], date(2026, 2, 10)) is v2
    assert in_force([v1, v2], date(2026, 2, 11)) is None


def test_weekdays_limit_the_days_and_prn_is_never_due():
    monday, tuesday = VisitSlot(1, utc(2026, 1, 5, 8, 0), None), VisitSlot(2, utc(2026, 1, 6, 8, 0), None)
    weekly = [[version(weekdays=[1])]]
    assert slots(monday, [monday], weekly) and not slots(tuesday, [tuesday], weekly)
    prn = [[version(prn=True, times=())]]
    assert slots(monday, [monday], prn) == []
    assert [v.name for v in as_required(prn, date(2026, 1, 5))] == ["Levodopa"]
