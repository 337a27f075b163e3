"""Visit events from a provider's own carer app: stored exactly as Caremon's app's are (idempotent by key, the
same checks, state and exceptions), with the carer and visit named by the provider's references and the
sending system recorded on each event."""
from __future__ import annotations

from datetime import datetime

from device_sync.protocol import ACCEPTED, DUPLICATE
from server.auth.tenancy import Identity
from server.errors import not_found
from server.feed import refs
from server.feed.models import REF_VISIT, REF_WORKER
from server.i18n import _
from server.visits.service import record_event
from server.visits.tenancy import get_visit

REFERENCE_FIELDS = ("worker_ref", "visit_ref", "visit_id")


class EventStore:
    """One batch of events, its carers' and visits' references resolved before the first item."""

    def __init__(self, ident: Identity, source: str, items: list, now: datetime, skew_threshold_s: float):
        self.ident, self.source, self.now, self.skew_threshold_s = ident, source, now, skew_threshold_s
        self.workers = refs.find_many(ident.provider_id, REF_WORKER, refs.refs_in(items, "worker_ref"))
        self.visits = refs.find_many(ident.provider_id, REF_VISIT, refs.refs_in(items, "visit_ref"))

    def __call__(self, item: dict) -> dict:
        worker_id = self.workers.get(item["worker_ref"])
        if worker_id is None:
            raise not_found(_("Worker not found"))
        if item["visit_id"] is not None:
            visit_id = get_visit(self.ident, item["visit_id"]).id  # another provider's visit is not found
        else:
            visit_id = self.visits.get(item["visit_ref"])
            if visit_id is None:
                raise not_found(_("Visit not found"))
        data = {k: v for k, v in item.items() if k not in REFERENCE_FIELDS}
        event, created = record_event(worker_id=worker_id, visit_id=visit_id, data=data, now=self.now,
                                      skew_threshold_s=self.skew_threshold_s, source_system=self.source)
        return {"idempotency_key": event.idempotency_key, "status": ACCEPTED if created else DUPLICATE,
                "id": event.id, "flags": list(event.flags or [])}
