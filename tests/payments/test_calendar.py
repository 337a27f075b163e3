"""The pay calendar: local dates in the council's zone, England and Wales bank holidays from `holidays`."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from server.payments.calendar import BANK_HOLIDAY, WEEKDAY, WEEKEND, PayCalendar

ZONE = ZoneInfo("Europe/London")
LONDON = PayCalendar("Europe/London")


def london(y, mo, d, h, mi) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ZONE)


@pytest.mark.parametrize("utc, local_date, kind", [
    (datetime(2026, 12, 25, 9, tzinfo=timezone.utc), date(2026, 12, 25), BANK_HOLIDAY),
    (datetime(2026, 12, 26, 9, tzinfo=timezone.utc), date(2026, 12, 26), BANK_HOLIDAY),  # a Saturday
    (datetime(2026, 12, 28, 9, tzinfo=timezone.utc), date(2026, 12, 28), BANK_HOLIDAY),  # Boxing Day observed
    (datetime(2026, 8, 30, 23, 30, tzinfo=timezone.utc), date(2026, 8, 31), BANK_HOLIDAY),  # 00:30 BST Monday
    (datetime(2026, 8, 30, 22, 30, tzinfo=timezone.utc), date(2026, 8, 30), WEEKEND),  # 23:30 BST Sunday
    (datetime(2026, 11, 28, 9, tzinfo=timezone.utc), date(2026, 11, 28), WEEKEND),
    (datetime(2026, 11, 23, 9, tzinfo=timezone.utc), date(2026, 11, 23), WEEKDAY),
    (datetime(2026, 4, 6, 9, tzinfo=timezone.utc), date(2026, 4, 6), BANK_HOLIDAY),  # Easter Monday
])
def test_day_kind_by_local_date(utc, local_date, kind):
    day = LONDON.day(utc)
    assert (day.local_date, day.kind) == (local_date, kind)


def test_holiday_names_come_from_the_library():
    assert LONDON.day_of(date(2026, 12, 25)).name == "Christmas Day"
    assert LONDON.day_of(date(2027, 1, 1)).name == "New Year's Day"  # later years load on demand


def test_a_calendar_can_be_given_its_own_holidays_and_zone():
    calendar = PayCalendar("America/New_York", {date(2026, 7, 4): "Independence Day"})
    day = calendar.day(datetime(2026, 7, 5, 2, tzinfo=timezone.utc))  # 22:00 on 4 July in New York
    assert (day.kind, day.name) == (BANK_HOLIDAY, "Independence Day")
    assert calendar.day_of(date(2026, 12, 25)).kind == WEEKDAY


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        LONDON.day(datetime(2026, 1, 1, 9))


@pytest.mark.parametrize("moment,kind,name", [
    (london(2026, 1, 13, 8, 0), "weekday", "Tuesday"),
    (london(2026, 1, 17, 8, 0), "weekend", "Saturday"),
    (london(2026, 1, 18, 23, 59), "weekend", "Sunday"),
    (london(2026, 12, 25, 0, 0), "bank_holiday", "Christmas Day"),
    (london(2026, 12, 26, 10, 0), "bank_holiday", "Boxing Day"),
    (london(2026, 8, 31, 0, 30), "bank_holiday", "Late Summer Bank Holiday"),
    (datetime(2026, 8, 30, 23, 30, tzinfo=timezone.utc), "bank_holiday", "Late Summer Bank Holiday"),
    (datetime(2026, 8, 31, 23, 30, tzinfo=timezone.utc), "weekday", "Tuesday"),
    (london(2026, 4, 3, 8, 0), "bank_holiday", "Good Friday"),
    (london(2026, 4, 6, 8, 0), "bank_holiday", "Easter Monday"),
])
def test_day_kind_and_name_by_local_date(moment, kind, name):
    day = LONDON.day(moment)
    assert (day.kind, day.name) == (kind, name)
    assert day.local_date == moment.astimezone(ZONE).date()


def test_day_classification_in_another_zone():
    """The zone argument decides the local date: 23:30 UTC on 24 December is already Christmas Day in Paris."""
    moment = datetime(2026, 12, 24, 23, 30, tzinfo=timezone.utc)
    assert LONDON.day(moment).kind == "weekday"
    paris = PayCalendar("Europe/Paris").day(moment)
    assert (paris.local_date, paris.kind) == (date(2026, 12, 25), "bank_holiday")
