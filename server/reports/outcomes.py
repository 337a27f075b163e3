"""Outcome progress over time: for each client's outcome, its scores by local date.

A score belongs to the local date it was recorded on (recorded_at in the
council's zone); several scores on one date make one point, their mean, with the
number of scores beside it. Change is the last point's score minus the first's.
Scores count under the contract of the visit they were recorded at.
"""
from __future__ import annotations

from sqlalchemy import func, select

from server.care.models import Outcome
from server.directory.models import Client
from server.extensions import db
from server.reports.scope import Scope
from server.reports.sql import bucketed, roomy
from server.visits.models import OutcomeProgress, Visit


def outcomes(scope: Scope) -> dict:
    roomy()
    days = scope.period.days()
    start, end = scope.period.bounds
    scores = (select().select_from(OutcomeProgress).join(Visit, Visit.id == OutcomeProgress.visit_id).where(
        Visit.contract_id.in_(scope.contract_ids),
        OutcomeProgress.recorded_at >= start, OutcomeProgress.recorded_at < end))
    sub = bucketed(scores, OutcomeProgress.recorded_at, scope.period.boundaries(days),
                   outcome_id=OutcomeProgress.outcome_id, score=OutcomeProgress.score)
    points = (select(sub.c.outcome_id, sub.c.bucket, func.avg(sub.c.score).label("mean"), func.count().label("n"))
              .group_by(sub.c.outcome_id, sub.c.bucket).subquery())
    found = db.session.execute(
        select(Client.id, Client.name, Client.reference, Outcome.id, Outcome.title, points.c.bucket,
               points.c.mean, points.c.n)
        .join(Outcome, Outcome.id == points.c.outcome_id).join(Client, Client.id == Outcome.client_id)
        .order_by(Client.name, Client.id, Outcome.id, points.c.bucket))

    rows = []
    for client_id, name, reference, outcome_id, title, bucket, mean, n in found:
        if not rows or rows[-1]["outcome_id"] != outcome_id:
            rows.append({"client_id": client_id, "client_name": name, "client_reference": reference,
                         "outcome_id": outcome_id, "outcome_title": title, "points": []})
        rows[-1]["points"].append({"date": days[bucket].first, "score": round(float(mean), 2), "scores": n})
    for row in rows:
        first, last = row["points"][0]["score"], row["points"][-1]["score"]
        row.update(first_score=first, latest_score=last, change=round(last - first, 2))
    totals = {
        "clients": len({r["client_id"] for r in rows}), "outcomes": len(rows),
        "scores": sum(p["scores"] for r in rows for p in r["points"]),
        "improved": sum(r["change"] > 0 for r in rows), "unchanged": sum(r["change"] == 0 for r in rows),
        "declined": sum(r["change"] < 0 for r in rows),
    }
    return scope.envelope("outcomes", rows, totals)


CSV_COLUMNS = ("client_id", "client_name", "client_reference", "outcome_id", "outcome_title", "date", "score",
               "scores")


def csv_lines(result: dict):
    """One line per point, so a spreadsheet can chart each outcome's series."""
    for row in result["rows"]:
        for point in row["points"]:
            yield {**row, **point}
