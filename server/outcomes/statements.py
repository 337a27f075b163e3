"""A client's outcome statement for their review: outcomes agreed, progress visit by visit, notes, and the trend.

Read over local dates first..last. Each outcome's trend compares its latest score in the dates with its
baseline: the last score before them, else the first within them.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, select

from server.care.models import CarePackage, Outcome
from server.directory.models import Client, Worker
from server.extensions import db
from server.outcomes.models import OutcomeReview
from server.timeutil import local_range_bounds, to_local
from server.visits.models import OutcomeProgress, Visit, VisitEvent

IMPROVING, STEADY, DECLINING, TOO_FEW = "improving", "steady", "declining", "not_enough_scores"
MAX_NOTES = 500


def trend(baseline: int | None, scores: list[int]) -> dict:
    """Baseline, latest and change of one outcome's scores; too few to say when only one score is known."""
    start = baseline if baseline is not None else (scores[0] if scores else None)
    known = (1 if baseline is not None else 0) + len(scores)
    if start is None or known < 2:
        return {"baseline": start, "latest": scores[-1] if scores else start, "change": None, "direction": TOO_FEW}
    change = scores[-1] - start
    direction = IMPROVING if change > 0 else DECLINING if change < 0 else STEADY
    return {"baseline": start, "latest": scores[-1], "change": change, "direction": direction}


def _baselines(client: Client, start: datetime) -> dict[int, int]:
    last_before = (select(OutcomeProgress.outcome_id, func.max(OutcomeProgress.recorded_at).label("at"))
                   .where(OutcomeProgress.client_id == client.id, OutcomeProgress.recorded_at < start)
                   .group_by(OutcomeProgress.outcome_id).subquery())
    return dict(db.session.execute(select(OutcomeProgress.outcome_id, OutcomeProgress.score).join(
        last_before, (OutcomeProgress.outcome_id == last_before.c.outcome_id)
        & (OutcomeProgress.recorded_at == last_before.c.at))).all())


def _progress(client: Client, start: datetime, end: datetime, tz: str) -> dict[int, list[dict]]:
    rows = db.session.execute(
        select(OutcomeProgress, Worker.name, Visit.planned_start)
        .join(Worker, Worker.id == OutcomeProgress.worker_id).join(Visit, Visit.id == OutcomeProgress.visit_id)
        .where(OutcomeProgress.client_id == client.id, OutcomeProgress.recorded_at >= start,
               OutcomeProgress.recorded_at < end)
        .order_by(OutcomeProgress.recorded_at, OutcomeProgress.id))
    progress: dict[int, list[dict]] = defaultdict(list)
    for p, worker, planned in rows:
        progress[p.outcome_id].append({"visit_id": p.visit_id, "visit_start": to_local(planned, tz),
                                       "recorded_at": to_local(p.recorded_at, tz), "score": p.score,
                                       "comment": p.comment, "worker": worker})
    return progress


def _notes(client: Client, start: datetime, end: datetime, tz: str) -> list[dict]:
    rows = db.session.execute(
        select(VisitEvent.visit_id, VisitEvent.device_time, VisitEvent.payload, Worker.name)
        .join(Visit, Visit.id == VisitEvent.visit_id).join(Worker, Worker.id == VisitEvent.worker_id)
        .where(Visit.client_id == client.id, VisitEvent.kind == "note", VisitEvent.device_time >= start,
               VisitEvent.device_time < end)
        .order_by(VisitEvent.device_time, VisitEvent.id).limit(MAX_NOTES))
    return [{"visit_id": visit_id, "at": to_local(at, tz), "text": (payload or {}).get("text") or "", "worker": name}
            for visit_id, at, payload, name in rows]


def statement(client: Client, first: date, last: date, now: datetime) -> dict:
    tz = client.contract.council.timezone
    start, end = local_range_bounds(first, last, tz)
    outcomes = db.session.scalars(select(Outcome).where(Outcome.client_id == client.id).order_by(Outcome.id)).all()
    baselines, progress = _baselines(client, start), _progress(client, start, end, tz)
    reviews = db.session.scalars(select(OutcomeReview).where(OutcomeReview.client_id == client.id)
                                 .order_by(OutcomeReview.due_on, OutcomeReview.id)).all()
    packages = db.session.scalars(select(CarePackage).where(CarePackage.client_id == client.id)
                                  .order_by(CarePackage.starts_on, CarePackage.id)).all()
    return {
        "client_id": client.id, "client_name": client.name, "client_reference": client.reference,
        "provider": client.contract.provider.name, "contract_reference": client.contract.reference,
        "date_from": first, "date_to": last, "generated_at": now,
        "outcomes": [{"id": o.id, "title": o.title, "description": o.description, "active": o.active,
                      "progress": progress.get(o.id, []),
                      "trend": trend(baselines.get(o.id), [p["score"] for p in progress.get(o.id, [])])}
                     for o in outcomes],
        "notes": _notes(client, start, end, tz),
        "reviews": [{"id": r.id, "due_on": r.due_on, "done_on": r.done_on, "notes": r.notes,
                     "on_time": None if r.done_on is None else r.done_on <= r.due_on} for r in reviews],
        "packages": [{"id": p.id, "weekly_minutes": p.weekly_minutes, "starts_on": p.starts_on, "ends_on": p.ends_on,
                      "reablement": p.reablement, "planned_end_on": p.planned_end_on,
                      "planned_weekly_minutes": p.planned_weekly_minutes} for p in packages],
    }
