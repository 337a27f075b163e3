"""Local dates over UTC storage, on ordinary days and on the 2026 clock-change days in Europe/London."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from server.timeutil import (
    local_day_bounds,
    local_range_bounds,
    local_wall_time_to_utc,
    minutes_between,
    to_local,
    zone,
)

UTC = timezone.utc
LONDON = "Europe/London"


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize("day,start,end,hours", [
    (date(2026, 1, 15), utc(2026, 1, 15, 0, 0), utc(2026, 1, 16, 0, 0), 24),
    (date(2026, 7, 15), utc(2026, 7, 14, 23, 0), utc(2026, 7, 15, 23, 0), 24),
    # Clocks go forward at 01:00 GMT: a 23-hour day.
    (date(2026, 3, 29), utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 23, 0), 23),
    # Clocks go back at 02:00 BST: a 25-hour day.
    (date(2026, 10, 25), utc(2026, 10, 24, 23, 0), utc(2026, 10, 26, 0, 0), 25),
])
def test_local_day_bounds(day, start, end, hours):
    assert local_day_bounds(day, LONDON) == (start, end)
    assert end - start == timedelta(hours=hours)


def test_days_tile_without_gap_or_overlap_across_both_changes():
    day = date(2026, 3, 27)
    while day <= date(2026, 10, 27):
        assert local_day_bounds(day, LONDON)[1] == local_day_bounds(day + timedelta(days=1), LONDON)[0]
        day += timedelta(days=1)


def test_range_bounds_span_first_to_last_inclusive():
    start, end = local_range_bounds(date(2026, 3, 28), date(2026, 3, 30), LONDON)
    assert (start, end) == (utc(2026, 3, 28, 0, 0), utc(2026, 3, 30, 23, 0))
    assert end - start == timedelta(hours=71)


@pytest.mark.parametrize("day,hhmm,expected", [
    (date(2026, 1, 15), "08:00", utc(2026, 1, 15, 8, 0)),
    (date(2026, 7, 15), "08:00", utc(2026, 7, 15, 7, 0)),
    (date(2026, 3, 29), "00:45", utc(2026, 3, 29, 0, 45)),
    # 01:30 does not exist on 29 March: it moves on by the hour's gap to 02:30 BST.
    (date(2026, 3, 29), "01:30", utc(2026, 3, 29, 1, 30)),
    (date(2026, 3, 29), "02:10", utc(2026, 3, 29, 1, 10)),
    # 01:30 happens twice on 25 October: the first, still BST.
    (date(2026, 10, 25), "01:30", utc(2026, 10, 25, 0, 30)),
    (date(2026, 10, 25), "02:30", utc(2026, 10, 25, 2, 30)),
    (date(2026, 10, 25), "00:30", utc(2026, 10, 24, 23, 30)),
])
def test_wall_time_to_utc(day, hhmm, expected):
    assert local_wall_time_to_utc(day, hhmm, LONDON) == expected


def test_to_local_gives_the_offset_in_force_at_that_instant():
    first, second = to_local(utc(2026, 10, 25, 0, 30), LONDON), to_local(utc(2026, 10, 25, 1, 30), LONDON)
    assert first.isoformat() == "2026-10-25T01:30:00+01:00"
    assert second.isoformat() == "2026-10-25T01:30:00+00:00"
    assert to_local(None, LONDON) is None


def test_zone_defaults_to_london_and_honours_a_council_zone():
    assert zone(None).key == LONDON
    assert local_day_bounds(date(2026, 1, 15), "Europe/Paris")[0] == utc(2026, 1, 14, 23, 0)


def test_minutes_between_counts_elapsed_time_not_wall_clock():
    # 00:45 GMT to 02:10 BST on 29 March: 25 minutes passed though the wall clock moved 85.
    assert minutes_between(utc(2026, 3, 29, 0, 45), utc(2026, 3, 29, 1, 10)) == 25
    assert minutes_between(utc(2026, 1, 1, 9, 0), utc(2026, 1, 1, 8, 59, 30)) == -0.5
