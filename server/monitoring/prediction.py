"""Will the carer make it? Estimated from where they are, by the shared travel model at their travel mode."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from server.extensions import db
from server.travel import TravelModel
from server.visits.models import Visit, VisitAssignment, VisitStatus

# A check-in older than this with no check-out is a forgotten check-out, not where the carer is now. Bounding the
# search by planned start also lets it use the (status, planned_start) index instead of the carer's whole history.
STILL_THERE = timedelta(hours=12)


def open_check_ins(worker_ids, now: datetime) -> dict[int, Visit]:
    """The visit each of these carers is checked in at now (the latest, if several), in one query."""
    rows = db.session.execute(
        select(VisitAssignment.worker_id, Visit).join(Visit, Visit.id == VisitAssignment.visit_id).where(
            VisitAssignment.worker_id.in_(set(worker_ids)), VisitAssignment.removed_at.is_(None),
            VisitAssignment.checked_in_at.is_not(None), VisitAssignment.checked_out_at.is_(None),
            Visit.status == VisitStatus.IN_PROGRESS, Visit.planned_start >= now - STILL_THERE)
        .order_by(Visit.planned_start))
    return {worker_id: visit for worker_id, visit in rows}


def expected_arrival(visit: Visit, worker, now: datetime, travel: TravelModel,
                     busy: Visit | None) -> tuple[datetime, str] | None:
    """When the worker can be at this visit's door, and why; None when nothing is known of them.

    busy is the visit they are checked in at now (open_check_ins): they leave at its planned
    end (or now, if that has passed) and travel from there. Otherwise they travel from their
    last known fix.
    """
    home = (visit.client.lat, visit.client.lon)

    def travel_time(origin):
        return timedelta(seconds=travel.seconds(origin, home, worker.travel_mode))

    if busy is not None and busy.id != visit.id:
        leaves = max(now, busy.planned_start + timedelta(minutes=busy.planned_minutes))
        return leaves + travel_time((busy.client.lat, busy.client.lon)), \
            f"still at {busy.client.name}'s visit"
    if worker.last_lat is None or worker.last_seen_at is None or worker.last_seen_at < now - timedelta(hours=2):
        return None
    return now + travel_time((worker.last_lat, worker.last_lon)), "travelling from last position"
