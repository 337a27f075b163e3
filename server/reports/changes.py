"""Every flush that changes what the stored KPI days count notes the days concerned (reports/models.ReportChange).

A session event rather than calls from the visits code: whichever path writes a visit or a carer's times
(check-in, sync, corrections, the scheduler, imports), the note goes into the same transaction. Writes that
bypass the ORM (raw SQL, a data migration) must delete the report_days rows they touch.
"""
from __future__ import annotations

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from server.reports.models import ReportChange
from server.visits.models import Visit, VisitAssignment

# The columns the stored figures are counted from; a change to any other column leaves them true.
VISIT_COLUMNS = ("contract_id", "client_id", "planned_start", "planned_minutes", "status", "punctuality",
                 "started_at", "ended_at")
CARER_COLUMNS = ("visit_id", "worker_id", "checked_in_at", "checked_out_at", "check_in_geofence",
                 "check_in_method", "manual")


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context, _instances) -> None:
    days: set[tuple[int, object]] = set()
    visit_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Visit):
            days.update(_visit_days(obj, obj in session.new or obj in session.deleted))
        elif isinstance(obj, VisitAssignment) and _changed(obj, CARER_COLUMNS, obj in session.dirty):
            visit_ids.update(v for v in _values(obj, "visit_id") if v is not None)
    days.update(_days_of(session, visit_ids))
    session.add_all(ReportChange(contract_id=contract_id, planned_start=start)
                    for contract_id, start in days if contract_id is not None and start is not None)


def _visit_days(visit: Visit, whole: bool) -> set[tuple[int, object]]:
    """The (contract, planned start) pairs a visit counted under before and after this flush."""
    if not whole and not _changed(visit, VISIT_COLUMNS, True):
        return set()
    return {(c, s) for c in _values(visit, "contract_id") for s in _values(visit, "planned_start")}


def _changed(obj, columns: tuple[str, ...], dirty: bool) -> bool:
    if not dirty:
        return True
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in columns)


def _values(obj, name: str) -> set:
    """The attribute's value now and, when it changed in this flush, before."""
    history = inspect(obj).attrs[name].history
    return {*history.added, *history.unchanged, *history.deleted} or {getattr(obj, name)}


def _days_of(session: Session, visit_ids: set[int]) -> set[tuple[int, object]]:
    if not visit_ids:
        return set()
    known = {v.id: v for v in session.identity_map.values() if isinstance(v, Visit) and v.id in visit_ids}
    found = {(v.contract_id, v.planned_start) for v in known.values()}
    missing = visit_ids - known.keys()
    if missing:
        with session.no_autoflush:
            found.update(tuple(row) for row in session.execute(
                select(Visit.contract_id, Visit.planned_start).where(Visit.id.in_(missing))))
    return found
