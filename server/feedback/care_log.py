"""A client's care log as the family reads it: for each visit a carer came to, the tasks done, the progress
scored against the client's outcomes, and the notes the carer marked shareable.

Shown to family only where the client agrees (`share_care_log_with_family`); staff read the same log to see
what the family sees. Notes a carer did not mark shareable, outcome comments and the carers' reasons stay
with the care team.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from server.auth.models import Role
from server.auth.tenancy import Identity
from server.care.models import Outcome
from server.directory.models import Client
from server.errors import ApiError
from server.extensions import db
from server.i18n import _
from server.timeutil import local_range_bounds, to_local
from server.visits.models import ATTENDED, SCORE_MAX, SCORE_MIN, OutcomeProgress, Visit, VisitEvent


def care_log(ident: Identity, client: Client, date_from: date, date_to: date) -> dict:
    """The log for local dates date_from..date_to, newest visit first."""
    if ident.role == Role.FAMILY and not client.share_care_log_with_family:
        raise ApiError(403, "care_log_not_shared", _("The care log is shared with family only where the client "
                                                     "agrees; ask the care provider's office"))
    tz = client.contract.council.timezone
    start, end = local_range_bounds(date_from, date_to, tz)
    visits = list(db.session.scalars(select(Visit).where(
        Visit.client_id == client.id, Visit.planned_start >= start, Visit.planned_start < end,
        Visit.status.in_(ATTENDED)).order_by(Visit.planned_start.desc(), Visit.id.desc())))
    ids = [v.id for v in visits]
    done, notes = _events(ids)
    progress = _progress(ids)
    return {
        "client_id": client.id, "client_name": client.name, "date_from": date_from, "date_to": date_to,
        "shared_with_family": client.share_care_log_with_family, "score_min": SCORE_MIN, "score_max": SCORE_MAX,
        "visits": [_entry(v, tz, done[v.id], notes[v.id], progress[v.id]) for v in visits],
    }


def _events(visit_ids: list[int]) -> tuple[dict, dict]:
    """Tasks ticked, and shareable notes with who wrote them, per visit."""
    done: dict[int, set[str]] = defaultdict(set)
    notes: dict[int, list[dict]] = defaultdict(list)
    if not visit_ids:
        return done, notes
    rows = db.session.scalars(select(VisitEvent).where(
        VisitEvent.visit_id.in_(visit_ids), VisitEvent.kind.in_(("task_done", "note")))
        .order_by(VisitEvent.device_time, VisitEvent.id))
    for event in rows:
        if event.kind == "task_done":
            done[event.visit_id].add(event.payload.get("task"))
        elif event.payload.get("shareable"):
            notes[event.visit_id].append({"text": event.payload.get("text"), "recorded_at": event.device_time,
                                          "worker_id": event.worker_id})
    return done, notes


def _progress(visit_ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = defaultdict(list)
    if not visit_ids:
        return found
    rows = db.session.execute(select(OutcomeProgress.visit_id, OutcomeProgress.outcome_id, Outcome.title,
                                     OutcomeProgress.score, OutcomeProgress.recorded_at)
                              .join(Outcome, Outcome.id == OutcomeProgress.outcome_id)
                              .where(OutcomeProgress.visit_id.in_(visit_ids))
                              .order_by(OutcomeProgress.recorded_at, OutcomeProgress.id))
    for visit_id, outcome_id, title, score, at in rows:
        found[visit_id].append({"outcome_id": outcome_id, "title": title, "score": score, "recorded_at": at})
    return found


def _entry(visit: Visit, tz: str, done: set[str], notes: list[dict], progress: list[dict]) -> dict:
    carers = {a.worker_id: a.worker.name for a in visit.assignments}
    return {
        "visit_id": visit.id, "local_date": to_local(visit.planned_start, tz).date(),
        "planned_start": visit.planned_start, "planned_minutes": visit.planned_minutes, "status": visit.status,
        "started_at": visit.started_at, "ended_at": visit.ended_at,
        "carers": [a.worker.name for a in visit.active_assignments],
        "tasks": [{"task": task, "done": task in done} for task in visit.tasks or []],
        "outcomes": progress,
        "notes": [{"text": n["text"], "recorded_at": n["recorded_at"], "carer": carers.get(n["worker_id"])}
                  for n in notes],
    }
