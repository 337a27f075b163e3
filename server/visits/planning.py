"""Coordinators planning visits: create, reschedule, reassign, cancel."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.directory.models import Worker
from server.errors import invalid
from server.extensions import db
from server.i18n import _
from server.visits.models import Visit, VisitAssignment, VisitStatus
from server.visits.service import cancel, refresh_state
from server.visits.tenancy import get_client

PAY_FIELDS = frozenset({"service_code", "visit_type"})


def _workers_of_provider(worker_ids: list[int], provider_id: int) -> list[int]:
    if len(set(worker_ids)) != len(worker_ids):
        raise invalid("worker_ids", _("A worker is listed twice"))
    found = set(db.session.scalars(select(Worker.id).where(
        Worker.id.in_(worker_ids), Worker.provider_id == provider_id, Worker.active.is_(True))))
    if found != set(worker_ids):
        raise invalid("worker_ids", _("Unknown workers: %(ids)s", ids=sorted(set(worker_ids) - found)))
    return worker_ids


def create_visit(ident: Identity, data: dict, now: datetime) -> Visit:
    client = get_client(ident, data["client_id"])
    provider_id = client.contract.provider_id
    worker_ids = _workers_of_provider(data["worker_ids"], provider_id)
    visit = Visit(client_id=client.id, contract_id=client.contract_id, provider_id=provider_id,
                  planned_start=data["planned_start"], planned_minutes=data["planned_minutes"],
                  carers_required=data["carers_required"], tasks=data["tasks"], service_code=data["service_code"],
                  visit_type=data["visit_type"])
    db.session.add(visit)
    db.session.flush()
    _assign(visit, worker_ids, now)
    record("visit.create", "visit", visit.id, user_id=ident.user_id, now=now, worker_ids=worker_ids)
    return visit


def update_visit(ident: Identity, visit: Visit, data: dict, now: datetime) -> Visit:
    # The service code and visit type are billing and pay, not the plan: they may be set on a delivered visit,
    # as a payer's coordinator does.
    if visit.status in (VisitStatus.COMPLETED, VisitStatus.CANCELLED) and data.keys() - PAY_FIELDS:
        raise invalid("status", _("A %(status)s visit cannot be changed", status=visit.status))
    changes = {}
    for field in ("planned_start", "planned_minutes", "tasks", "carers_required"):
        if field in data:
            changes[field] = str(data[field])
            setattr(visit, field, data[field])
    for field in sorted(PAY_FIELDS & data.keys()):
        changes[field] = data[field]
        setattr(visit, field, data[field])
    if "worker_ids" in data:
        changes["worker_ids"] = _workers_of_provider(data["worker_ids"], visit.provider_id)
        _assign(visit, data["worker_ids"], now)
    if data.keys() & {"planned_start", "planned_minutes", "tasks", "carers_required"}:
        refresh_state(visit)  # punctuality and flags are measured against the plan
    if "cancel_reason" in data:
        cancel(visit, data["cancel_reason"], now)
        changes["cancel_reason"] = data["cancel_reason"]
    record("visit.update", "visit", visit.id, user_id=ident.user_id, now=now, **changes)
    return visit


def _assign(visit: Visit, worker_ids: list[int], now: datetime) -> None:
    """Removed carers keep their row (marked removed) so their offline events still find the visit."""
    current = {a.worker_id: a for a in visit.active_assignments}
    for worker_id, assignment in current.items():
        if worker_id not in worker_ids:
            assignment.removed_at = now
    for position, worker_id in enumerate(worker_ids, start=1):
        if worker_id in current:
            current[worker_id].position = position
        else:
            db.session.add(VisitAssignment(visit_id=visit.id, worker_id=worker_id, position=position))
    db.session.flush()
    db.session.refresh(visit)
