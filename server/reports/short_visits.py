"""Short visits by local ISO week: delivered visits well under their planned time, or under 15 minutes.

A delivered visit is a completed one with both effective times; its length is
first check-in to last check-out (after any coordinator corrections). "Under
80%" is strictly less than 80% of the planned minutes, "under 15 minutes"
strictly less than 15:00, both to the second.
"""
from __future__ import annotations

from sqlalchemy import case, func, select

from server.extensions import db
from server.reports.scope import Scope, pct
from server.reports.sql import bucketed, seconds_between
from server.reports.weekly import week_row
from server.visits.models import Visit, VisitStatus

SHORT_SECONDS = 15 * 60


def short_visits(scope: Scope) -> dict:
    weeks = scope.period.weeks()
    delivered = select().select_from(Visit).where(
        *scope.visits(), Visit.status == VisitStatus.COMPLETED, Visit.started_at.is_not(None), Visit.ended_at.is_not(None))
    sub = bucketed(delivered, Visit.planned_start, scope.period.boundaries(weeks),
                   seconds=seconds_between(Visit.started_at, Visit.ended_at), planned=Visit.planned_minutes)
    # seconds < 80% of planned minutes x 60, kept in integers: seconds x 5 < planned x 240.
    under_share = sub.c.seconds * 5 < sub.c.planned * 240

    def flagged(condition):
        return func.sum(case((condition, 1), else_=0))

    found = {bucket: (n, share, fifteen) for bucket, n, share, fifteen in db.session.execute(
        select(sub.c.bucket, func.count(), flagged(under_share), flagged(sub.c.seconds < SHORT_SECONDS))
        .group_by(sub.c.bucket))}
    rows = [week_row(week, figures(*found.get(i, (0, 0, 0)))) for i, week in enumerate(weeks)]
    return scope.envelope("short-visits", rows, figures(
        *(sum(r[key] for r in rows) for key in ("delivered", "under_80pct", "under_15min"))))


def figures(delivered: int, under_share: int, under_fifteen: int) -> dict:
    return {"delivered": delivered, "under_80pct": under_share, "under_15min": under_fifteen,
            "under_80pct_pct": pct(under_share, delivered), "under_15min_pct": pct(under_fifteen, delivered)}


CSV_COLUMNS = ("week", "date_from", "date_to", "delivered", "under_80pct", "under_15min",
               "under_80pct_pct", "under_15min_pct")
