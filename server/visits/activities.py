"""Non-contact work: time spent for a client away from a visit."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.auth.tenancy import Identity
from server.directory.models import Client
from server.extensions import db
from server.visits.idempotency import content_hash, store_once
from server.visits.models import NonContactActivity

CONTENT_FIELDS = ("category", "minutes", "note", "occurred_at")


def log_activity(ident: Identity, client: Client, data: dict, now: datetime) -> tuple[NonContactActivity, bool]:
    key = str(data["idempotency_key"])
    # Who recorded it is part of the content: a key replayed by anyone else is a conflict, never their record.
    payload_hash = content_hash({k: data.get(k) for k in CONTENT_FIELDS}
                                | {"client_id": client.id, "recorded_by": ident.user_id})
    return store_once(NonContactActivity, key, payload_hash, lambda: dict(
        idempotency_key=key, payload_hash=payload_hash, client_id=client.id, contract_id=client.contract_id,
        provider_id=client.contract.provider_id, worker_id=ident.worker_id, recorded_by=ident.user_id,
        category=data["category"], minutes=data["minutes"], note=data.get("note"),
        occurred_at=data["occurred_at"], received_at=now,
    ))


def activities_for(client: Client) -> list[NonContactActivity]:
    return db.session.scalars(select(NonContactActivity).where(NonContactActivity.client_id == client.id)
                              .order_by(NonContactActivity.occurred_at.desc())).all()
