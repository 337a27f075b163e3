"""A provider's own references for its records: looked up within that provider only, so another provider's
reference names nothing."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.errors import ApiError
from server.extensions import db
from server.feed.models import ExternalRef
from server.unique import insert_once


def find(provider_id: int, kind: str, ref: str) -> int | None:
    return db.session.scalar(select(ExternalRef.record_id).where(
        ExternalRef.provider_id == provider_id, ExternalRef.kind == kind, ExternalRef.external_ref == ref))


def find_many(provider_id: int, kind: str, refs: list[str]) -> dict[str, int]:
    if not refs:
        return {}
    return dict(db.session.execute(select(ExternalRef.external_ref, ExternalRef.record_id).where(
        ExternalRef.provider_id == provider_id, ExternalRef.kind == kind, ExternalRef.external_ref.in_(refs))).all())


def bind(provider_id: int, kind: str, ref: str, record_id: int, source_system: str, now: datetime) -> None:
    """Name a new record by the provider's reference. Two batches creating one reference at once: the later
    item is refused whole (its record rolled back with it) and, sent again, finds the record."""
    row = ExternalRef(provider_id=provider_id, kind=kind, external_ref=ref, record_id=record_id,
                      source_system=source_system, created_at=now)
    if not insert_once(row):
        raise ApiError(409, "conflict", "Another request created this reference at the same moment; send it again",
                       {"ref": ref})
