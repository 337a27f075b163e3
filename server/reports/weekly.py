"""Counting visits (or check-ins) by local ISO week of the visit's planned start."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from server.extensions import db
from server.reports.periods import Span
from server.reports.scope import Scope
from server.reports.sql import bucketed
from server.visits.models import Visit


def class_counts_by_week(scope: Scope, stmt, classify, classes: tuple[str, ...]) -> list[tuple[Span, dict[str, int]]]:
    """For each week of the period, how many of stmt's rows fall in each class (one grouped query)."""
    weeks = scope.period.weeks()
    sub = bucketed(stmt, Visit.planned_start, scope.period.boundaries(weeks), cls=classify)
    counts = Counter({(bucket, cls): n for bucket, cls, n in db.session.execute(
        select(sub.c.bucket, sub.c.cls, func.count()).group_by(sub.c.bucket, sub.c.cls))})
    return [(week, {cls: counts[(i, cls)] for cls in classes}) for i, week in enumerate(weeks)]


def class_totals(per_week: list[tuple[Span, dict[str, int]]], classes: tuple[str, ...]) -> dict[str, int]:
    return {cls: sum(counts[cls] for _, counts in per_week) for cls in classes}


def week_row(week: Span, figures: dict) -> dict:
    return {"week": week.iso_week, "date_from": week.first, "date_to": week.last, **figures}
