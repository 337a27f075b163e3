"""Turning visit patterns into planned visits, some days ahead, as often as it is run."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from server.care.models import VisitPattern
from server.directory.models import Client
from server.extensions import db
from server.timeutil import local_wall_time_to_utc, to_local
from server.unique import insert_once
from server.visits.models import Visit, VisitAssignment


def client_batches(size: int) -> list[list[int]]:
    """Ids of the clients with active patterns, in batches: the scheduler commits after each, so a run
    over thousands of clients never holds SQLite's single write lock long enough to keep a request waiting."""
    ids = db.session.scalars(select(VisitPattern.client_id).distinct().join(Client, Client.id == VisitPattern.client_id)
                             .where(VisitPattern.active.is_(True), Client.active.is_(True))
                             .order_by(VisitPattern.client_id)).all()
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def generate_visits(now: datetime, days_ahead: int, client_ids: list[int] | None = None) -> int:
    """Create the visits patterns call for on local dates from today to today + days_ahead.

    Idempotent: a (pattern, planned start) that already has a visit is skipped, and the
    unique constraint on those two columns backs that up against a concurrent run: a visit
    another run inserted first is skipped too, without undoing the rest of this run.
    Returns how many visits were created; the caller commits.
    """
    stmt = select(VisitPattern).join(Client, Client.id == VisitPattern.client_id).where(
        VisitPattern.active.is_(True), Client.active.is_(True))
    if client_ids is not None:
        stmt = stmt.where(VisitPattern.client_id.in_(client_ids))
    patterns = db.session.scalars(stmt).all()
    if not patterns:
        return 0
    horizon_end = now + timedelta(days=days_ahead + 2)
    existing = set(db.session.execute(select(Visit.pattern_id, Visit.planned_start).where(
        Visit.pattern_id.in_([p.id for p in patterns]),
        Visit.planned_start >= now - timedelta(days=2), Visit.planned_start < horizon_end)))
    clients = {c.id: c for c in db.session.scalars(
        select(Client).where(Client.id.in_({p.client_id for p in patterns})))}
    created = 0
    for pattern in patterns:
        client = clients[pattern.client_id]
        for start in planned_starts(pattern, client.contract.council.timezone, now, days_ahead):
            if (pattern.id, start) in existing:
                continue
            existing.add((pattern.id, start))
            created += _insert(pattern, client, start)
    return created


def planned_starts(pattern, tz: str, now: datetime, days_ahead: int) -> list[datetime]:
    """The UTC starts a pattern calls for on local dates from today to today + days_ahead.

    Pure, so the admin's preview of a pattern not yet saved runs exactly what generation runs; `pattern`
    is a VisitPattern or anything with its weekdays, start_time, starts_on and ends_on.
    """
    today = to_local(now, tz).date()
    starts = []
    for offset in range(days_ahead + 1):
        day = today + timedelta(days=offset)
        if day.isoweekday() not in pattern.weekdays or day < pattern.starts_on:
            continue
        if pattern.ends_on and day > pattern.ends_on:
            continue
        starts.append(local_wall_time_to_utc(day, pattern.start_time, tz))
    return starts


def _insert(pattern: VisitPattern, client: Client, start: datetime) -> bool:
    """One visit (in a savepoint) and its carers; False when a concurrent run got there first."""
    visit = Visit(client_id=client.id, contract_id=client.contract_id, provider_id=client.contract.provider_id,
                  pattern_id=pattern.id, planned_start=start, planned_minutes=pattern.duration_minutes,
                  carers_required=pattern.carers_required, tasks=list(pattern.tasks))
    if not insert_once(visit):
        return False
    db.session.add_all(VisitAssignment(visit_id=visit.id, worker_id=worker_id, position=position)
                       for position, worker_id in enumerate(pattern.worker_ids, start=1))
    return True
