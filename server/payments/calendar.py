"""Which rate a visit earns: weekday, weekend or bank holiday, by its local date.

Councils set enhancements by the local calendar day, so a moment is first turned into the
council's local time; a visit at 00:30 BST on a bank holiday is 23:30 UTC the evening before.
Bank holidays come from the `holidays` library by the council's holiday calendar: "GB-ENG"
(England and Wales, the default; Wales has the same days), "GB-SCT", "GB-NIR", "US" (federal)
or "US-" and a state's code (federal plus that state's), with any days the council declares
on top. The library lists both a holiday that falls on a weekend and its
substitute weekday (Boxing Day 2026 is Saturday 26 and, observed, Monday 28 December); both
are paid as bank holidays. A bank holiday that falls on a weekend is a bank holiday, not a
weekend, so the bank-holiday enhancement applies.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import holidays

from server.directory.holiday_calendars import DEFAULT_HOLIDAY_CALENDAR, holiday_calendars

WEEKDAY, WEEKEND, BANK_HOLIDAY = "weekday", "weekend", "bank_holiday"
DAY_KINDS = (WEEKDAY, WEEKEND, BANK_HOLIDAY)


@dataclass(frozen=True, slots=True)
class DayKind:
    """The local date of a moment, its kind, and a name to show (the holiday's, or the weekday's)."""

    local_date: date
    kind: str
    name: str


def england_and_wales() -> Mapping[date, str]:
    """Bank holidays of England and Wales; the library fills in each year the first time it is asked."""
    return holidays.country_holidays("GB", subdiv="ENG")


class CouncilHolidays(Mapping):
    """A holiday calendar with the council's own declared days on top (a declared day's name wins)."""

    def __init__(self, code: str = DEFAULT_HOLIDAY_CALENDAR, extra: Mapping[date, str] | None = None):
        country, _, subdiv = code.partition("-")
        if code not in holiday_calendars():
            raise ValueError(f"unknown holiday calendar {code!r}")
        self.code = code
        self.base = holidays.country_holidays(country, subdiv=subdiv or None)
        self.extra = dict(extra or {})

    def __getitem__(self, day: date) -> str:
        if day in self.extra:
            return self.extra[day]
        return self.base[day]

    def get(self, day, default=None):
        return self.extra.get(day) or self.base.get(day, default)

    def __iter__(self):
        return iter({**self.base, **self.extra})

    def __len__(self) -> int:
        return len({**self.base, **self.extra})


class PayCalendar:
    """One council's calendar: its time zone and bank holidays, each local date classified once.

    The engine is given a calendar rather than reading a global one, so a test can pass its own
    holidays and an export builds one per council and reuses it for every row.
    """

    def __init__(self, tz: str = "Europe/London", bank_holidays: Mapping[date, str] | None = None):
        self.tz = tz
        self.zone = ZoneInfo(tz)
        self._holidays = england_and_wales() if bank_holidays is None else bank_holidays
        self._days: dict[date, DayKind] = {}

    def local(self, moment: datetime) -> datetime:
        """The moment on the council's wall clock, or in UTC where that clock would pass year 1 or 9999.

        Only a time stored before inputs were held to the years 1900..2200 can be that far out; an
        export or a pay explanation still shows it (as the same instant) rather than failing.
        """
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        try:
            return moment.astimezone(self.zone)
        except OverflowError:
            return moment.astimezone(timezone.utc)

    def day(self, moment: datetime) -> DayKind:
        """Weekday, weekend or bank holiday by the local date of an aware moment."""
        return self.day_of(self.local(moment).date())

    def day_of(self, local_date: date) -> DayKind:
        known = self._days.get(local_date)
        if known is None:
            holiday = self._holidays.get(local_date)
            if holiday:
                known = DayKind(local_date, BANK_HOLIDAY, holiday)
            else:
                known = DayKind(local_date, WEEKEND if local_date.weekday() >= 5 else WEEKDAY,
                                local_date.strftime("%A"))
            self._days[local_date] = known
        return known
