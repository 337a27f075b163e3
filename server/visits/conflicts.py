"""Availability conflicts on a roster: a carer booked on two visits at once, or given too little time to
travel from one home to the next.

A coordinator sees them while planning (the day's list, and warnings on each create or change): they
warn and never refuse, since a coordinator may know better (two visits in one sheltered-housing block).
Travel time comes from the shared travel model (server.travel), the same estimate the planner and
delay prediction use. find_conflicts is pure: slots in, conflicts out; the rest reads the database.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from server.auth.tenancy import Identity
from server.directory.models import Worker
from server.extensions import db
from server.timeutil import local_day_bounds
from server.travel import TravelModel, travel_model
from server.visits.models import Visit, VisitAssignment, VisitStatus
from server.visits.tenancy import scope_visits

DOUBLE_BOOKED = "double_booked"
TRAVEL_TIME = "travel_time"
# How far either side of a visit its carers' other visits are looked at for a warning: a carer's
# neighbouring visits are within a working day.
NEIGHBOUR_WINDOW = timedelta(hours=12)


@dataclass(frozen=True)
class Slot:
    """One carer's place on one visit."""
    visit_id: int
    worker_id: int
    start: datetime
    end: datetime
    home: tuple[float, float]


def find_conflicts(slots: Iterable[Slot], travel: TravelModel, mode: str = "car") -> list[dict]:
    """Every overlap of one carer's visits, and every pair of consecutive visits with less time between
    them than the journey takes; each names the carer, both visits and the seconds involved."""
    by_worker: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_worker[slot.worker_id].append(slot)
    found = []
    for worker_id, mine in sorted(by_worker.items()):
        mine.sort(key=lambda s: (s.start, s.visit_id))
        for i, later in enumerate(mine):
            for earlier in mine[:i]:
                if earlier.end > later.start:
                    found.append(_conflict(DOUBLE_BOOKED, worker_id, earlier, later,
                                           overlap_s=int((min(earlier.end, later.end) - later.start).total_seconds())))
            if i and mine[i - 1].end <= later.start:
                before = mine[i - 1]
                gap_s = int((later.start - before.end).total_seconds())
                needed_s = travel.seconds(before.home, later.home, mode)
                if needed_s > gap_s:
                    found.append(_conflict(TRAVEL_TIME, worker_id, before, later, gap_s=gap_s, travel_s=needed_s))
    return found


def _conflict(kind: str, worker_id: int, first: Slot, second: Slot, **seconds) -> dict:
    return {"kind": kind, "worker_id": worker_id, "visit_ids": [first.visit_id, second.visit_id],
            "overlap_s": None, "gap_s": None, "travel_s": None} | seconds


def _slots(stmt) -> list[Slot]:
    rows = db.session.execute(
        stmt.join(VisitAssignment, VisitAssignment.visit_id == Visit.id)
        .where(VisitAssignment.removed_at.is_(None), Visit.status != VisitStatus.CANCELLED)
        .add_columns(VisitAssignment.worker_id)
    )
    return [
        Slot(
            v.id,
            worker_id,
            v.planned_start,
            v.planned_start + timedelta(minutes=v.planned_minutes),
            (v.client.lat, v.client.lon),
        )
        for v, worker_id in rows.unique()
    ]


def _named(conflicts: list[dict]) -> list[dict]:
    """Each conflict with its carer's name, read once for all of them."""
    ids = {c["worker_id"] for c in conflicts}
    names = dict(db.session.execute(select(Worker.id, Worker.name).where(Worker.id.in_(ids))).all()) if ids else {}
    return [c | {"worker_name": names.get(c["worker_id"])} for c in conflicts]


def conflicts_on(ident: Identity, day: date, tz: str, settings: Mapping) -> list[dict]:
    """The caller's conflicts among visits starting on a local day."""
    start, end = local_day_bounds(day, tz)
    stmt = scope_visits(select(Visit), ident).where(Visit.planned_start >= start, Visit.planned_start < end)
    return _named(find_conflicts(_slots(stmt), travel_model(settings)))


def conflicts_of(visit: Visit, settings: Mapping) -> list[dict]:
    """The conflicts this visit is part of, against its carers' other visits around it."""
    workers = [a.worker_id for a in visit.active_assignments]
    if not workers or visit.status == VisitStatus.CANCELLED:
        return []
    end = visit.planned_start + timedelta(minutes=visit.planned_minutes)
    stmt = select(Visit).where(
        Visit.provider_id == visit.provider_id, Visit.planned_start >= visit.planned_start - NEIGHBOUR_WINDOW,
        Visit.planned_start < end + NEIGHBOUR_WINDOW,
        Visit.id.in_(select(VisitAssignment.visit_id).where(VisitAssignment.worker_id.in_(workers),
                                                            VisitAssignment.removed_at.is_(None))))
    slots = [s for s in _slots(stmt) if s.worker_id in workers]
    return _named([c for c in find_conflicts(slots, travel_model(settings)) if visit.id in c["visit_ids"]])
