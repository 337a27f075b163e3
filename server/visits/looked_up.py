"""Which of a visit's tasks were ticked, looked up once for a whole batch.

An event that ends a visit asks which of its tasks were ticked. A phone's batch would ask that once per
such event, and each question would first flush the events before it. Within visits_looked_up, one query
answers for the batch's visits, and the batch's own task_done events are counted as they are recorded;
one rolled back with a failed item has left the session, and is no longer counted. (Their open
exceptions come with the visits themselves: service.EVENT_LOADS.)
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import select

from server.extensions import db
from server.visits.models import VisitEvent


@dataclass
class _Known:
    # Visit id -> its ticked tasks as stored at the lookup, and the task_done events recorded since.
    ticked: dict[int, list[str]]
    recorded: dict[int, list[VisitEvent]]


_known: ContextVar[_Known | None] = ContextVar("visits_looked_up", default=None)


@contextmanager
def visits_looked_up(visit_ids: Iterable[int]) -> Iterator[None]:
    ids = set(visit_ids)
    ticked = defaultdict(list)
    if ids:
        for visit_id, payload in db.session.execute(select(VisitEvent.visit_id, VisitEvent.payload).where(
                VisitEvent.visit_id.in_(ids), VisitEvent.kind == "task_done")):
            ticked[visit_id].append(payload.get("task"))
    token = _known.set(_Known({i: ticked[i] for i in ids}, {i: [] for i in ids}))
    try:
        yield
    finally:
        _known.reset(token)


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
