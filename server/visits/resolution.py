"""Coordinators settling exceptions. Events stay as recorded; the correction is its own audited record."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.errors import ApiError, invalid, not_found
from server.extensions import db
from server.i18n import _
from server.visits.models import ExceptionKind, ReasonKind, Visit, VisitCorrection, VisitException, VisitStatus
from server.visits.reasons import usable
from server.visits.service import refresh_state
from server.visits.signals import exception_resolved, times_corrected


def correct_times(ident: Identity, visit: Visit, data: dict, now: datetime) -> VisitCorrection:
    """Enter a carer's real times with a reason; closes that carer's open exceptions."""
    assignment = next((a for a in visit.assignments if a.worker_id == data["worker_id"]), None)
    if assignment is None:
        raise invalid("worker_id", _("This worker is not on the visit"))
    correction = VisitCorrection(
        visit_id=visit.id, worker_id=data["worker_id"], check_in_at=data["check_in_at"],
        check_out_at=data["check_out_at"], reason_code=data["reason_code"], note=data.get("note"),
        approve_overrun=data["approve_overrun"], approve_overrun_minutes=data.get("approve_overrun_minutes"),
        created_by=ident.user_id, created_at=now,
    )
    db.session.add(correction)
    db.session.flush()
    assignment.checked_in_at, assignment.checked_out_at = correction.check_in_at, correction.check_out_at
    assignment.manual = True
    if correction.approve_overrun:
        visit.overrun_approved = True
    if correction.approve_overrun_minutes is not None:  # the latest approval for this carer stands
        assignment.overrun_approved_minutes = correction.approve_overrun_minutes
    if visit.status == VisitStatus.CANCELLED:
        visit.status = VisitStatus.SCHEDULED  # delivered after all: refresh_state settles it from the times
    refresh_state(visit)
    open_ones = db.session.scalars(select(VisitException).where(
        VisitException.visit_id == visit.id, VisitException.resolved_at.is_(None),
        (VisitException.worker_id == data["worker_id"]) | VisitException.worker_id.is_(None)))
    for exc in open_ones:
        exc.resolved_at, exc.resolved_by, exc.correction_id = now, ident.user_id, correction.id
        exc.resolution = data["reason_code"]
    times_corrected.send(visit, now=now, worker_id=data["worker_id"])
    record("visit.correct_times", "visit", visit.id, user_id=ident.user_id, now=now,
           worker_id=data["worker_id"], check_in_at=correction.check_in_at.isoformat(),
           check_out_at=correction.check_out_at.isoformat(), reason_code=data["reason_code"],
           approve_overrun=correction.approve_overrun, approve_overrun_minutes=correction.approve_overrun_minutes)
    return correction


def resolve_exception(ident: Identity, visit: Visit, exception_id: int, data: dict, now: datetime) -> VisitException:
    """Accept the record as it stands (e.g. a known signal black spot), or say why a visit was missed,
    with one of the council's reason codes."""
    exc = db.session.get(VisitException, exception_id)
    if exc is None or exc.visit_id != visit.id:
        raise not_found(_("Exception not found"))
    if exc.resolved_at is not None:
        raise ApiError(409, "already_resolved", _("This exception is already resolved"))
    code = usable(visit.contract.council_id, data["reason_code"])
    exc.resolved_at, exc.resolved_by, exc.reason_code = now, ident.user_id, code.code
    exc.resolution = data["reason_code"] + (f": {data['note']}" if data.get("note") else "")
    if exc.kind == ExceptionKind.MISSED:
        visit.reasons = [*(r for r in visit.reasons or () if r["about"] != ReasonKind.MISSED),
                         {"about": ReasonKind.MISSED, "code": code.code, "external_code": code.external_code,
                          "note": data.get("note")}]
    exception_resolved.send(visit, exception=exc, now=now)
    record("visit.resolve_exception", "visit", visit.id, user_id=ident.user_id, now=now,
           exception_id=exc.id, kind=exc.kind, reason_code=data["reason_code"])
    return exc


def decide_pay(ident: Identity, visit: Visit, data: dict, now: datetime) -> Visit:
    """Accept a flagged visit for pay as recorded, or reject it, with a note; a later decision replaces it."""
    if not visit.flags:
        raise ApiError(409, "not_flagged", _("Only a flagged visit needs a decision on pay"))
    visit.pay_decision, visit.pay_decision_note = data["decision"], data["note"]
    visit.pay_decided_by, visit.pay_decided_at = ident.user_id, now
    record("visit.pay_decision", "visit", visit.id, user_id=ident.user_id, now=now, decision=data["decision"],
           flags=list(visit.flags), note=data["note"])
    return visit
