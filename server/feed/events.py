"""Visit events from a provider's own carer app: stored exactly as Caremon's app's are (idempotent by key, the
same checks, state and exceptions), with the carer and visit named by the provider's references and the
sending system recorded on each event."""
from __future__ import annotations

from datetime import datetime

from device_sync.protocol import ACCEPTED, DUPLICATE
from server.auth.tenancy import Identity, get_visit
from server.errors import not_found
from server.feed import refs
from server.feed.models import REF_VISIT, REF_WORKER
from server.visits.service import record_event

REFERENCE_FIELDS = ("worker_ref", "visit_ref", "visit_id")


def store_event(ident: Identity, source: str, item: dict, now: datetime, skew_threshold_s: float) -> dict:
    worker_id = refs.find(ident.provider_id, REF_WORKER, item["worker_ref"])
    if worker_id is None:
        raise not_found("worker")
    if item["visit_id"] is not None:
        visit_id = get_visit(ident, item["visit_id"]).id  # another provider's visit is not found
    else:
        visit_id = refs.find(ident.provider_id, REF_VISIT, item["visit_ref"])
        if visit_id is None:
            raise not_found("visit")
    data = {k: v for k, v in item.items() if k not in REFERENCE_FIELDS}
    event, created = record_event(worker_id=worker_id, visit_id=visit_id, data=data, now=now,
                                  skew_threshold_s=skew_threshold_s, source_system=source)
    return {"idempotency_key": event.idempotency_key, "status": ACCEPTED if created else DUPLICATE,
            "id": event.id, "flags": list(event.flags or [])}
