"""Every flush that changes what the stored KPI days count notes the days concerned (reports/models.ReportChange).

A session event rather than calls from the visits code: whichever path writes a visit or a carer's times
(check-in, sync, corrections, the scheduler, imports), the note goes into the same transaction. Records
written without the flush (direct_updates.write_now, a check-in's) are noted the same way as they are
written. Other writes that bypass the ORM (raw SQL, a data migration) must delete the report_days rows they
touch.
"""
from __future__ import annotations

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from server import direct_updates
from server.reports.models import ReportChange
from server.visits.models import Visit, VisitAssignment

# The columns the stored figures are counted from; a change to any other column leaves them true.
VISIT_COLUMNS = ("contract_id", "client_id", "planned_start", "planned_minutes", "status", "punctuality",
                 "started_at", "ended_at", "flags")
CARER_COLUMNS = ("visit_id", "worker_id", "checked_in_at", "checked_out_at", "check_in_geofence",
                 "check_in_method", "manual")


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context, _instances) -> None:
    session.add_all(ReportChange(contract_id=contract_id, planned_start=start)
                    for contract_id, start in _days_changed(session, (*session.new, *session.dirty, *session.deleted),
                                                            session.dirty))


@direct_updates.writing.connect
def _note_direct(session: Session, records) -> None:
    days = _days_changed(session, records, records)
    if days:
        session.connection().execute(insert(ReportChange), [
            {"contract_id": contract_id, "planned_start": start} for contract_id, start in days])


def _days_changed(session: Session, records, changed) -> set[tuple[int, object]]:
    """The (contract, planned start) of every stored day these records count in: new or deleted ones, and the
    changed ones among them where a counted column changed."""
    days: set[tuple[int, object]] = set()
    visit_ids: set[int] = set()
    unknown: dict[type, set[int]] = {Visit: set(), VisitAssignment: set()}  # old values set without being loaded
    for obj in records:
        dirty = obj in changed
        if isinstance(obj, Visit) and _changed(obj, VISIT_COLUMNS, dirty):
            days.update((c, s) for c in _values(obj, "contract_id") for s in _values(obj, "planned_start"))
            if dirty and _overwritten(obj, ("contract_id", "planned_start")):
                unknown[Visit].add(obj.id)
        elif isinstance(obj, VisitAssignment) and _changed(obj, CARER_COLUMNS, dirty):
            visit_ids.update(v for v in _values(obj, "visit_id") if v is not None)
            if dirty and _overwritten(obj, ("visit_id",)):
                unknown[VisitAssignment].add(obj.id)
    days.update(_days_of(session, visit_ids))
    with session.no_autoflush:  # the rows as stored, before this flush writes them
        if unknown[Visit]:
            days.update(tuple(row) for row in session.execute(
                select(Visit.contract_id, Visit.planned_start).where(Visit.id.in_(unknown[Visit]))))
        if unknown[VisitAssignment]:
            days.update(tuple(row) for row in session.execute(
                select(Visit.contract_id, Visit.planned_start)
                .join(VisitAssignment, VisitAssignment.visit_id == Visit.id)
                .where(VisitAssignment.id.in_(unknown[VisitAssignment]))))
    return {(contract_id, start) for contract_id, start in days if contract_id is not None and start is not None}


def _overwritten(obj, columns: tuple[str, ...]) -> bool:
    """Whether one of the columns was given a new value without its old one having been loaded."""
    state = inspect(obj)
    return any(h.added and not h.deleted for h in (state.attrs[name].history for name in columns))


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
    found, missing = set(), set()
    for visit_id in visit_ids:  # a visit loaded already answers; an expired one would cost a SELECT of its own
        visit = session.identity_map.get(session.identity_key(Visit, visit_id))
        if visit is None or {"contract_id", "planned_start"} & inspect(visit).unloaded:
            missing.add(visit_id)
        else:
            found.add((visit.contract_id, visit.planned_start))
    if missing:
        with session.no_autoflush:
            found.update(tuple(row) for row in session.execute(
                select(Visit.contract_id, Visit.planned_start).where(Visit.id.in_(missing))))
    return found
