"""A report's period in the council's local dates, and its weeks, blocks and days as UTC instants."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from server.timeutil import local_day_bounds, local_range_bounds


@dataclass(frozen=True)
class Span:
    """Local dates first..last inclusive (a week or block clipped to the period)."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def iso_week(self) -> str:
        year, week, _ = self.first.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    tz: str

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return local_range_bounds(self.first, self.last, self.tz)

    def weeks(self) -> list[Span]:
        """ISO weeks (Monday to Sunday) touching the period, the first and last clipped to it."""
        return self._runs(7)

    def blocks(self, weeks: int) -> list[Span]:
        """Runs of `weeks` ISO weeks counted from the week holding the first date, clipped to the period."""
        return self._runs(7 * weeks)

    def days(self) -> list[Span]:
        return [Span(self.first + timedelta(d), self.first + timedelta(d))
                for d in range((self.last - self.first).days + 1)]

    def _runs(self, length: int) -> list[Span]:
        spans, start = [], self.first - timedelta(days=self.first.weekday())
        while start <= self.last:
            end = start + timedelta(days=length - 1)
            spans.append(Span(max(start, self.first), min(end, self.last)))
            start = end + timedelta(days=1)
        return spans

    def boundaries(self, spans: list[Span]) -> list[datetime]:
        """UTC instants of local midnight starting each span, then the period's end."""
        return [local_day_bounds(s.first, self.tz)[0] for s in spans] + [self.bounds[1]]
