"""What recording an event reads of its visit beyond the visit itself, looked up once for a whole batch.

Each event asks whether its visit has an open exception of a kind, and an event that ends a visit asks
which of its tasks were ticked. A phone's batch would ask that once per event, and each question would
first flush the events before it. Within visits_looked_up, one query per kind answers for the batch's
visits, and the batch's own changes keep the answers current: exceptions it opens are added here, those
it closes are seen closed, and its task_done events are counted as they are recorded. An exception
rolled back with a failed item has left the session, and is no longer counted.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import select

from server.extensions import db
from server.visits.models import VisitEvent, VisitException


@dataclass
class _Known:
    # Visit id -> its exceptions open at the lookup and those opened since (some may be closed by now).
    exceptions: dict[int, list[VisitException]]
    # Visit id -> its ticked tasks as stored at the lookup, and the task_done events recorded since.
    ticked: dict[int, list[str]]
    recorded: dict[int, list[VisitEvent]]


_known: ContextVar[_Known | None] = ContextVar("visits_looked_up", default=None)


@contextmanager
def visits_looked_up(visit_ids: Iterable[int]) -> Iterator[None]:
    ids = set(visit_ids)
    exceptions, ticked = defaultdict(list), defaultdict(list)
    if ids:
        for exc in db.session.scalars(select(VisitException).where(VisitException.visit_id.in_(ids),
                                                                   VisitException.resolved_at.is_(None))):
            exceptions[exc.visit_id].append(exc)
        for visit_id, payload in db.session.execute(select(VisitEvent.visit_id, VisitEvent.payload).where(
                VisitEvent.visit_id.in_(ids), VisitEvent.kind == "task_done")):
            ticked[visit_id].append(payload.get("task"))
    token = _known.set(_Known({i: exceptions[i] for i in ids}, {i: ticked[i] for i in ids},
                              {i: [] for i in ids}))
    try:
        yield
    finally:
        _known.reset(token)


def open_exception(visit_id: int, kind: str, worker_id: int | None) -> tuple[bool, VisitException | None]:
    """(known, the open exception): known is False when this visit was not looked up, so ask the database."""
    known = _known.get()
    if known is None or visit_id not in known.exceptions:
        return False, None
    return True, next((e for e in known.exceptions[visit_id] if e.kind == kind and e.worker_id == worker_id
                       and e.resolved_at is None and e in db.session), None)


def opened(exc: VisitException) -> bool:
    """Counts a new exception in; False when its visit was not looked up."""
    known = _known.get()
    if known is None or exc.visit_id not in known.exceptions:
        return False
    known.exceptions[exc.visit_id].append(exc)
    return True


def tasks_done(visit_id: int) -> frozenset[str] | None:
    """The visit's ticked tasks, or None when it was not looked up."""
    known = _known.get()
    if known is None or visit_id not in known.ticked:
        return None
    return frozenset(known.ticked[visit_id]) | {e.payload.get("task") for e in known.recorded[visit_id]
                                               if e in db.session}


def recorded(event: VisitEvent) -> None:
    known = _known.get()
    if known is not None and event.kind == "task_done" and event.visit_id in known.recorded:
        known.recorded[event.visit_id].append(event)
