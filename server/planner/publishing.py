"""Publishing a plan: its assignments become the roster in one transaction, or nothing changes.

Each visit planned must be as it was when planned (same fingerprint); otherwise someone changed the
roster meanwhile and the plan is refused, to be run again, rather than undoing their change.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.errors import ApiError
from server.extensions import db
from server.i18n import _
from server.planner.facts import fingerprint
from server.planner.models import Plan, PlanStatus
from server.visits.models import Visit
from server.visits.planning import update_visit


def publish(ident: Identity, plan: Plan, now: datetime) -> Plan:
    if plan.status != PlanStatus.DONE:
        raise ApiError(409, "plan_not_ready", _("Plan %(id)s is %(status)s, not ready to publish",
                                                id=plan.id, status=plan.status))
    expected = {int(k): v for k, v in plan.result["fingerprints"].items()}
    # Locked for the rest of the transaction, so no change slips in between the check and the writes.
    visits = {v.id: v for v in db.session.scalars(select(Visit).where(
        Visit.id.in_(expected), Visit.provider_id == plan.provider_id).with_for_update(of=Visit)).unique()}
    changed = sorted(v for v in expected if v not in visits or fingerprint(visits[v]) != expected[v])
    if changed:
        raise ApiError(409, "plan_stale", _("Visits changed since the plan was made; plan again"),
                       {"visit_ids": changed})
    for row in plan.result["assignments"]:
        visit = visits[row["visit_id"]]
        change = {"worker_ids": row["worker_ids"]}
        start = datetime.fromisoformat(row["start"])
        if start != visit.planned_start:
            change["planned_start"] = start
        update_visit(ident, visit, change, now)
    for row in plan.result["unassigned"]:
        visit = visits[row["visit_id"]]
        if visit.active_assignments:  # replanned and left out: its old carers are no longer on it
            update_visit(ident, visit, {"worker_ids": []}, now)
    plan.status, plan.published_at, plan.published_by = PlanStatus.PUBLISHED, now, ident.user_id
    record("plan.publish", "plan", plan.id, user_id=ident.user_id, now=now,
           assigned=len(plan.result["assignments"]), unassigned=len(plan.result["unassigned"]))
    return plan
