"""Outcome progress over time: for each client's outcome, its scores by local date.

A score belongs to the local date it was recorded on (recorded_at in the
council's zone); several scores on one date make one point, their mean, with the
number of scores beside it. Change is the last point's score minus the first's.
Scores count under the contract of the visit they were recorded at.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from server.care.models import Outcome
from server.directory.models import Client
from server.extensions import db
from server.reports.scope import Scope
from server.reports.sql import local_date, roomy
from server.visits.models import OutcomeProgress


def outcomes(scope: Scope) -> dict:
    points = _points(scope)
    rows = []
    for client_id, name, reference, outcome_id, title in db.session.execute(
        select(Client.id, Client.name, Client.reference, Outcome.id, Outcome.title)
        .join(Client, Client.id == Outcome.client_id).where(Outcome.id.in_(list(points)))
        .order_by(Client.name, Client.id, Outcome.id)
    ):
        series = points[outcome_id]
        first, last = series[0]["score"], series[-1]["score"]
        rows.append({"client_id": client_id, "client_name": name, "client_reference": reference,
                     "outcome_id": outcome_id, "outcome_title": title, "points": series,
                     "first_score": first, "latest_score": last, "change": round(last - first, 2)})
    totals = {
        "clients": len({r["client_id"] for r in rows}), "outcomes": len(rows),
        "scores": sum(p["scores"] for r in rows for p in r["points"]),
        "improved": sum(r["change"] > 0 for r in rows), "unchanged": sum(r["change"] == 0 for r in rows),
        "declined": sum(r["change"] < 0 for r in rows),
    }
    return scope.envelope("outcomes", rows, totals)


def _points(scope: Scope) -> dict[int, list[dict]]:
    """Each scored outcome's points in date order: the mean of a date's scores (from their integer sum) and
    how many there were."""
    roomy()
    period = scope.period
    start, end = period.bounds
    days = [day.first for day in period.days()]
    scores = select(OutcomeProgress.outcome_id, OutcomeProgress.score,
                    local_date(OutcomeProgress.recorded_at, days, period.tz).label("day")).where(
        OutcomeProgress.contract_id.in_(scope.contract_ids),
        OutcomeProgress.recorded_at >= start, OutcomeProgress.recorded_at < end).subquery()
    points = defaultdict(list)
    for outcome_id, day, total, n in db.session.execute(
        select(scores.c.outcome_id, scores.c.day, func.sum(scores.c.score), func.count())
        .group_by(scores.c.outcome_id, scores.c.day).order_by(scores.c.outcome_id, scores.c.day)
    ):
        points[outcome_id].append({"date": day, "score": round(total / n, 2), "scores": n})
    return points


CSV_COLUMNS = ("client_id", "client_name", "client_reference", "outcome_id", "outcome_title", "date", "score",
               "scores")


def csv_lines(result: dict):
    """One line per point, so a spreadsheet can chart each outcome's series."""
    for row in result["rows"]:
        for point in row["points"]:
            yield {**row, **point}
