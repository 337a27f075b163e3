"""What each webhook event says: the visit, alert or payment period it is about, by Caremon's ids and the
provider's own reference where the feed gave one. Clients' names and addresses stay out: a receiver that
needs them reads them through the API with its own rights.

Takes the records duck-typed, so it needs no model of the packages it speaks of. Monitoring and payments
call it; visits, below webhooks, sends its completed signal instead.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.extensions import db
from server.feed.models import REF_VISIT, ExternalRef
from server.visits.signals import completed
from server.webhooks.models import ALERT_RAISED, PERIOD_CLOSED, VISIT_COMPLETED
from server.webhooks.publish import publish


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def visit_data(visit) -> dict:
    ref = db.session.scalar(select(ExternalRef.external_ref).where(
        ExternalRef.provider_id == visit.provider_id, ExternalRef.kind == REF_VISIT,
        ExternalRef.record_id == visit.id))
    return {"id": visit.id, "ref": ref, "client_id": visit.client_id, "provider_id": visit.provider_id,
            "contract_id": visit.contract_id, "status": visit.status, "planned_start": _iso(visit.planned_start),
            "planned_minutes": visit.planned_minutes, "started_at": _iso(visit.started_at),
            "ended_at": _iso(visit.ended_at), "flags": list(visit.flags or ())}


def visit_changed(event_type: str, visit, at: datetime, now: datetime) -> int:
    """visit.late, visit.missed or visit.completed, to the visit's provider and its contract's council."""
    return publish(event_type, lambda: {"visit": visit_data(visit)}, at=at, now=now,
                   provider_id=visit.provider_id, council_id=visit.contract.council_id)


@completed.connect
def _completed(visit, *, now: datetime) -> None:
    visit_changed(VISIT_COMPLETED, visit, visit.ended_at, now)


def alert_raised(alert, visit, now: datetime) -> int:
    def data() -> dict:
        return {"alert": {"id": alert.id, "kind": alert.kind, "visit_id": alert.visit_id, "worker_id": alert.worker_id,
                          "detail": alert.detail, "raised_at": _iso(alert.raised_at),
                          "expected_arrival": _iso(alert.expected_arrival)},
                "visit": visit_data(visit)}

    return publish(ALERT_RAISED, data, at=alert.raised_at, now=now, provider_id=alert.provider_id,
                   council_id=visit.contract.council_id)


def period_closed(period, contract, now: datetime) -> int:
    def data() -> dict:
        return {"period": {"id": period.id, "contract_id": contract.id, "contract_reference": contract.reference,
                           "date_from": period.date_from.isoformat(), "date_to": period.date_to.isoformat(),
                           "rule_set": period.rule_set, "rows": period.rows, "held_rows": period.held_rows,
                           "payable_minutes": period.payable_minutes, "amount_pence": period.amount_pence,
                           "checksum": period.checksum, "closed_at": _iso(period.closed_at)}}

    return publish(PERIOD_CLOSED, data, at=period.closed_at, now=now, provider_id=contract.provider_id,
                   council_id=contract.council_id)
