"""The statutory minimum wage by date, from the settings: checked once at start-up, so a typo stops the app
with the problem named instead of a report that silently flags nothing."""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from server.config import SettingsError
from server.fairpay.days import MinimumWage


def minimum_wages(settings: Mapping) -> tuple[MinimumWage, ...]:
    """The minimum_wage entries in date order; a JSON string (from CAREMON_MINIMUM_WAGE) is read as the list."""
    entries = settings.get("minimum_wage", [])
    if isinstance(entries, str):
        try:
            entries = json.loads(entries)
        except ValueError as exc:
            raise SettingsError(f"minimum_wage: not a JSON list ({exc})") from None
    if not isinstance(entries, list):
        raise SettingsError("minimum_wage: a list of {from, hourly_minor} entries is expected")
    wages = [_entry(i, entry) for i, entry in enumerate(entries)]
    starts = [w.starts_on for w in wages]
    if len(set(starts)) != len(starts):
        raise SettingsError("minimum_wage: two entries start on the same date")
    return tuple(sorted(wages, key=lambda w: w.starts_on))


def _entry(index: int, entry) -> MinimumWage:
    where = f"minimum_wage[{index}]"
    if not isinstance(entry, Mapping) or set(entry) != {"from", "hourly_minor"}:
        raise SettingsError(f"{where}: give exactly the keys from and hourly_minor")
    starts = entry["from"]
    if isinstance(starts, str):
        try:
            starts = date.fromisoformat(starts)
        except ValueError:
            raise SettingsError(f"{where}.from: {starts!r} is not a date (YYYY-MM-DD)") from None
    if not isinstance(starts, date):
        raise SettingsError(f"{where}.from: a date (YYYY-MM-DD) is expected")
    hourly = entry["hourly_minor"]
    if type(hourly) is not int or not 0 < hourly <= 100000:
        raise SettingsError(f"{where}.hourly_minor: a whole number of minor units an hour (1271 is £12.71)")
    return MinimumWage(starts, hourly)
