"""Provider admins keeping each client's outcomes, package and visit patterns."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.audit.service import record
from server.auth.tenancy import Identity, get_client
from server.care.models import Outcome
from server.directory.models import Client, Worker
from server.errors import invalid, not_found
from server.extensions import db
from server.i18n import _


def add(ident: Identity, client: Client, model, data: dict, now: datetime):
    """Create one of a client's care records (outcome, package, pattern) and audit it."""
    if "worker_ids" in data:
        _check_workers(data["worker_ids"], client.contract.provider_id)
    obj = model(client_id=client.id, **data)
    db.session.add(obj)
    db.session.flush()
    record(f"{model.__tablename__}.create", model.__tablename__, obj.id, user_id=ident.user_id, now=now,
           client_id=client.id)
    return obj


def of_client(model, client: Client):
    return db.session.scalars(select(model).where(model.client_id == client.id).order_by(model.id)).all()


def get_outcome(ident: Identity, outcome_id: int) -> Outcome:
    outcome = db.session.get(Outcome, outcome_id)
    if outcome is None:
        raise not_found(_("Outcome not found"))
    get_client(ident, outcome.client_id)  # 404 unless the client is in the caller's slice
    return outcome


def _check_workers(worker_ids: list[int], provider_id: int) -> None:
    found = set(db.session.scalars(select(Worker.id).where(Worker.id.in_(worker_ids),
                                                           Worker.provider_id == provider_id)))
    if found != set(worker_ids):
        raise invalid("worker_ids", _("Unknown workers: %(ids)s", ids=sorted(set(worker_ids) - found)))
