"""Every report by its URL name: how to build it and how to lay it out as CSV."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from server.reports import (
    activities,
    continuity,
    delivery,
    feed_quality,
    flags,
    medication,
    missed,
    outcomes,
    punctuality,
    short_visits,
    verification,
)
from server.reports.csv_export import rows_and_total, to_csv
from server.reports.scope import Scope


@dataclass(frozen=True)
class Report:
    build: Callable[[Scope], dict]
    csv_columns: tuple[str, ...]
    csv_lines: Callable[[dict], Iterable[dict]]

    def csv(self, result: dict) -> str:
        return to_csv(self.csv_columns, self.csv_lines(result))

    @property
    def about(self) -> str:
        """The report module's docstring: its definitions, published in the API docs."""
        return sys.modules[self.build.__module__].__doc__

    @property
    def summary(self) -> str:
        return self.about.split(":", 1)[0].split("\n", 1)[0].rstrip(".")


REPORTS = {
    "punctuality": Report(punctuality.punctuality, punctuality.CSV_COLUMNS, rows_and_total("week")),
    "missed": Report(missed.missed, missed.CSV_COLUMNS, missed.csv_lines),
    "delivery": Report(delivery.delivery, delivery.CSV_COLUMNS, delivery.csv_lines),
    "continuity": Report(continuity.continuity, continuity.CSV_COLUMNS, continuity.csv_lines),
    "short-visits": Report(short_visits.short_visits, short_visits.CSV_COLUMNS, rows_and_total("week")),
    "verification": Report(verification.verification, verification.CSV_COLUMNS, rows_and_total("week")),
    "activities": Report(activities.activities, activities.CSV_COLUMNS, rows_and_total("category")),
    "outcomes": Report(outcomes.outcomes, outcomes.CSV_COLUMNS, outcomes.csv_lines),
    "flags": Report(flags.flags, flags.CSV_COLUMNS, flags.csv_lines),
    "feed-quality": Report(feed_quality.feed_quality, feed_quality.CSV_COLUMNS, rows_and_total("provider_name")),
    "medication": Report(medication.medication, medication.CSV_COLUMNS, rows_and_total("provider_name")),
}
