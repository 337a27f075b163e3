"""Time-of-day rate bands: which multiplier the paid minutes of a line earn, and what they come to.

Councils pay unsociable hours (evenings, nights) at an enhanced rate, banded by the local
clock. A rule set bands a line by the band its planned start falls in, by the band its actual
start falls in, or minute by minute, so a visit from 19:45 to 20:30 under an evening band from
20:00 pays 15 minutes at the day's rate and 30 at the evening's. Enhancements do not stack: a
minute earns the higher of its day's multiplier (weekend, bank holiday) and its band's.
Minutes are laid out from the start of the paid time, so minutes added by a minimum or a
tolerance are priced as if worked straight on. The money is summed exactly and rounded
half-up once for the line, like every other line.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from server.payments.calendar import PayCalendar
from server.payments.rules import RateBand, Rates

MINUTE = timedelta(minutes=1)
DAY_MINUTES = 24 * 60


def _minutes_to_next_edge(clock: int, rates: Rates) -> int:
    """Whole minutes from a local minute of the day until the next band starts or ends (1 to 1440)."""
    edges = {band.start.hour * 60 + band.start.minute for band in rates.bands}
    edges |= {band.end.hour * 60 + band.end.minute for band in rates.bands}
    return min((edge - clock - 1) % DAY_MINUTES + 1 for edge in edges)


def segments(start: datetime, minutes: int, rates: Rates, calendar: PayCalendar) -> list[tuple[RateBand | None, int]]:
    """The paid minutes from `start` as runs of (band or None, minutes), by the council's wall clock.

    Steps from edge to edge; where the clock changes inside a step it walks that stretch a
    minute at a time, so a band edge on the changed hour is not skipped.
    """
    runs: list[tuple[RateBand | None, int]] = []
    moment, left = start, minutes
    while left:
        local = calendar.local(moment)
        step = min(left, _minutes_to_next_edge(local.hour * 60 + local.minute, rates))
        if step > 1 and calendar.local(moment + step * MINUTE).utcoffset() != local.utcoffset():
            step = 1
        band = rates.band_at(local.time())
        if runs and runs[-1][0] is band:
            runs[-1] = (band, runs[-1][1] + step)
        else:
            runs.append((band, step))
        moment += step * MINUTE
        left -= step
    return runs


def _exact(minutes: int, hourly: int, multiplier: Decimal) -> Fraction:
    return Fraction(minutes * hourly) * Fraction(multiplier) / 60


def _half_up(value: Fraction) -> int:
    whole, rest = divmod(value.numerator, value.denominator)
    return whole + (2 * rest >= value.denominator)


def banded_price(minutes: int, start: datetime, day_multiplier: Decimal, day_words: str, rates: Rates,
                 calendar: PayCalendar, by_minute: bool, explain: bool) -> tuple[Decimal, int, str | None]:
    """(multiplier, amount, note) for a line's minutes under time-of-day bands.

    by_minute=False prices every minute by the band at `start`; True walks the minutes from it.
    The multiplier given back is that of the last minutes, which the flex rule uses to price
    minutes it cuts from the end of a block.
    """
    if by_minute:
        runs = segments(start, minutes, rates, calendar)
    else:
        runs = [(rates.band_at(calendar.local(start).time()), minutes)]
    hourly = rates.hourly_pence
    exact, parts, multiplier = Fraction(0), [], day_multiplier
    for band, count in runs:
        multiplier = max(day_multiplier, band.multiplier) if band else day_multiplier
        exact += _exact(count, hourly, multiplier)
        if explain:
            where = f"{band.name} band {band.start:%H:%M}-{band.end:%H:%M}" if band else "no band"
            parts.append(f"{count} min x {hourly}/h x {multiplier} ({where})")
    amount = _half_up(exact)
    if not explain:
        return multiplier, amount, None
    how = "by minute" if by_minute else f"by the band at {calendar.local(start):%H:%M %Z}"
    shown = (Decimal(exact.numerator) / Decimal(exact.denominator)).normalize()
    note = (f"{' + '.join(parts)} / 60, {how}, {day_words}; the higher of the day's and the band's multiplier: "
            f"{shown:f}, {amount} rounded half-up")
    return multiplier, amount, note
