"""Local-time rules over UTC storage: councils think in local dates, the database in UTC."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


def zone(name: str | None) -> ZoneInfo:
    return ZoneInfo(name or "Europe/London")


def local_day_bounds(day: date, tz: str | None) -> tuple[datetime, datetime]:
    """UTC instants of local midnight at the start and end of a local date (23 or 25 hours on clock-change days)."""
    z = zone(tz)
    start = datetime.combine(day, time(0), z).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=1), time(0), z).astimezone(timezone.utc)
    return start, end


def local_range_bounds(first: date, last: date, tz: str | None) -> tuple[datetime, datetime]:
    """UTC bounds of local dates first..last inclusive."""
    return local_day_bounds(first, tz)[0], local_day_bounds(last, tz)[1]


def local_wall_time_to_utc(day: date, hhmm: str, tz: str | None) -> datetime:
    """A planned local wall-clock time on a date as UTC.

    A time that does not exist (clocks went forward) moves on by the gap; an
    ambiguous time (clocks went back) means the first occurrence, as people read it.
    """
    hour, minute = (int(part) for part in hhmm.split(":"))
    # PEP 495 fold=0 gives exactly that: the pre-transition offset in both cases.
    return datetime.combine(day, time(hour, minute), zone(tz)).astimezone(timezone.utc)


def to_local(moment: datetime | None, tz: str | None) -> datetime | None:
    return None if moment is None else moment.astimezone(zone(tz))


def minutes_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60
