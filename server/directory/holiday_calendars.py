"""The holiday calendars a council may choose, named by the `holidays` library's country and region codes.

A council's setting (directory) that payments reads to find its bank holidays, so it lives here, below both.
"""
from __future__ import annotations

from functools import cache

import holidays

DEFAULT_HOLIDAY_CALENDAR = "GB-ENG"
# Wales is listed with England: its bank holidays are the same days.
HOLIDAY_COUNTRIES = {"GB": ("ENG", "SCT", "NIR"), "US": None}


@cache
def holiday_calendars() -> tuple[str, ...]:
    """Every holiday calendar a council may choose: GB's three, US federal, and US federal plus a state."""
    states = holidays.list_supported_countries()["US"]
    return (*(f"GB-{part}" for part in HOLIDAY_COUNTRIES["GB"]), "US", *(f"US-{state}" for state in states))
