"""Provider admins keeping each client's outcomes, package and visit patterns."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.care.models import CarePackage, Outcome, VisitPattern
from server.directory.models import Client, Worker
from server.errors import invalid, not_found
from server.extensions import db
from server.i18n import _
from server.visits.tenancy import get_client


def add(ident: Identity, client: Client, model, data: dict, now: datetime):
    """Create one of a client's care records (outcome, package, pattern) and audit it."""
    if "worker_ids" in data:
        check_workers(data["worker_ids"], client.contract.provider_id)
    obj = model(client_id=client.id, **data)
    db.session.add(obj)
    db.session.flush()
    record(f"{model.__tablename__}.create", model.__tablename__, obj.id, user_id=ident.user_id, now=now,
           client_id=client.id)
    return obj


def of_client(model, client: Client):
    return db.session.scalars(select(model).where(model.client_id == client.id).order_by(model.id)).all()


def get_record(ident: Identity, model, record_id: int, missing: str):
    """One of a client's care records, 404 (with the caller's translated `missing` message) unless its client
    is in the caller's slice."""
    obj = db.session.get(model, record_id)
    if obj is None:
        raise not_found(missing)
    get_client(ident, obj.client_id)
    return obj


def get_outcome(ident: Identity, outcome_id: int) -> Outcome:
    return get_record(ident, Outcome, outcome_id, _("Outcome not found"))


def get_package(ident: Identity, package_id: int) -> CarePackage:
    return get_record(ident, CarePackage, package_id, _("Care package not found"))


def get_pattern(ident: Identity, pattern_id: int) -> VisitPattern:
    return get_record(ident, VisitPattern, pattern_id, _("Visit pattern not found"))


def check_workers(worker_ids: list[int], provider_id: int) -> None:
    found = set(db.session.scalars(select(Worker.id).where(Worker.id.in_(worker_ids),
                                                           Worker.provider_id == provider_id)))
    if found != set(worker_ids):
        raise invalid("worker_ids", _("Unknown workers: %(ids)s", ids=sorted(set(worker_ids) - found)))
