"""Visit maintenance: bill times a coordinator sets for a carer at a visit, kept apart from the clock times.

State EVV programmes let a provider correct what is billed for a visit (a carer forgot to clock
out, a phone failed) for a limited time after it, with a reason from the state's list; the times
the phone recorded are evidence and are never changed. The rule set's [visit_maintenance] gives the
window and the reasons; a contract whose rule set has none does not allow maintenance.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.errors import ApiError, invalid
from server.extensions import db
from server.i18n import _
from server.payments import facts
from server.payments.models import VisitMaintenance
from server.visits.models import Visit


def maintain_visit(ident: Identity, visit: Visit, data: dict, now: datetime) -> VisitMaintenance:
    """Set one carer's bill times at a visit within the rule set's window; the caller commits."""
    rules = facts.contract_rules(visit.contract)[0]
    allowed = rules.visit_maintenance
    if allowed is None:
        raise ApiError(422, "maintenance_not_allowed",
                       _("%(rules)s does not allow visit maintenance", rules=rules.name))
    closes = visit.planned_start + timedelta(days=allowed.window_days)
    if now > closes:
        raise ApiError(422, "maintenance_window_closed",
                       _("Visit maintenance closes %(days)s days after the visit", days=allowed.window_days),
                       {"closed_at": closes.isoformat(), "window_days": allowed.window_days})
    if data["reason_code"] not in allowed.reason_codes:
        raise invalid("reason_code", _("Must be one of: %(codes)s", codes=", ".join(allowed.reason_codes)))
    # A carer taken off the visit still counts if their phone recorded times there (facts.py).
    assignment = next((a for a in visit.assignments if a.worker_id == data["worker_id"] and (
        a.removed_at is None or a.checked_in_at is not None or a.checked_out_at is not None)), None)
    if assignment is None:
        raise invalid("worker_id", _("This carer is not on the visit"))
    entry = VisitMaintenance(visit_id=visit.id, created_by=ident.user_id, created_at=now, **data)
    db.session.add(entry)
    db.session.flush()
    record("visit.maintenance", "visit", visit.id, user_id=ident.user_id, now=now, maintenance_id=entry.id,
           worker_id=entry.worker_id, bill_start=entry.bill_start.isoformat(), bill_end=entry.bill_end.isoformat(),
           reason_code=entry.reason_code, check_in=_iso(assignment.checked_in_at),
           check_out=_iso(assignment.checked_out_at))
    visit.updated_at = now  # a closed period's export then picks the change up as an adjustment
    return entry


def maintenance_of(visit: Visit) -> list[VisitMaintenance]:
    return list(db.session.scalars(select(VisitMaintenance).where(VisitMaintenance.visit_id == visit.id)
                                   .order_by(VisitMaintenance.id)))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
