"""Counting visits (or check-ins) by local ISO week of the visit's planned start."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from server.extensions import db
from server.reports import rollup
from server.reports.periods import Span
from server.reports.scope import Scope
from server.reports.sql import bucketed
from server.visits.models import Visit


def class_counts_by_week(scope: Scope, stmt, classify, classes: tuple[str, ...]) -> list[tuple[Span, dict[str, int]]]:
    """For each week of the period, how many of stmt's rows fall in each class (one grouped query)."""
    return counts_by_week(scope, stmt, (classify, classes))[0]


def counts_by_week(scope: Scope, stmt, *classifications) -> list[list[tuple[Span, dict[str, int]]]]:
    """class_counts_by_week for several (classify, classes) pairs at once, from one grouped pass over stmt's rows."""
    weeks = scope.period.weeks()
    labels = [f"cls{i}" for i in range(len(classifications))]
    sub = bucketed(stmt, Visit.planned_start, scope.period.boundaries(weeks),
                   **{label: classify for label, (classify, _) in zip(labels, classifications)})
    keys = [sub.c.bucket, *(sub.c[label] for label in labels)]
    counts = [Counter() for _ in classifications]
    for bucket, *found, n in db.session.execute(select(*keys, func.count()).group_by(*keys)):
        for counter, cls in zip(counts, found):
            counter[(bucket, cls)] += n
    return [[(week, {cls: counter[(i, cls)] for cls in classes}) for i, week in enumerate(weeks)]
            for counter, (_, classes) in zip(counts, classifications)]


def class_totals(per_week: list[tuple[Span, dict[str, int]]], classes: tuple[str, ...]) -> dict[str, int]:
    return {cls: sum(counts[cls] for _, counts in per_week) for cls in classes}


def week_row(week: Span, figures: dict) -> dict:
    return {"week": week.iso_week, "date_from": week.first, "date_to": week.last, **figures}


def stored_counts_by_week(scope: Scope, kind: str,
                          *classes: tuple[str, ...]) -> list[list[tuple[Span, dict[str, int]]]]:
    """counts_by_week from the stored days (reports/rollup.py): a figure "a:b" counts as a under the first
    classes and as b under the second."""
    rollup.refresh(scope)
    weeks = scope.period.weeks()
    week_of = {week.first + timedelta(d): i for i, week in enumerate(weeks) for d in range(week.days)}
    counts = [Counter() for _ in classes]
    for day, figure, n in rollup.day_counts(scope, kind):
        for counter, cls in zip(counts, figure.split(":")):
            counter[(week_of[day], cls)] += n
    return [[(week, {cls: counter[(i, cls)] for cls in own}) for i, week in enumerate(weeks)]
            for counter, own in zip(counts, classes)]
