"""A provider's own references for its records, looked up within that provider only, so another provider's
reference names nothing. A batch resolves its references up front, a few queries for thousands of items."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from server.extensions import db
from server.feed.models import ExternalRef

# References resolved per query: well under every database's limit on bound parameters.
CHUNK = 900


def refs_in(items: list, field: str) -> list:
    """The references a batch's raw items give in one field (one, or a list), before the items are checked."""
    found = []
    for item in items:
        value = item.get(field) if isinstance(item, dict) else None
        found.extend(value if isinstance(value, list) else [value])
    return found


def find_many(provider_id: int, kind: str, refs: Iterable) -> dict[str, int]:
    # Raw items, not yet checked: only what could be a valid reference is looked up (PostgreSQL refuses a NUL).
    wanted = sorted({ref for ref in refs if isinstance(ref, str) and 0 < len(ref) <= 64 and "\x00" not in ref})
    found = {}
    for start in range(0, len(wanted), CHUNK):
        found.update(db.session.execute(select(ExternalRef.external_ref, ExternalRef.record_id).where(
            ExternalRef.provider_id == provider_id, ExternalRef.kind == kind,
            ExternalRef.external_ref.in_(wanted[start:start + CHUNK]))).all())
    return found


def load(model, ids: Iterable[int], *options) -> dict[int, object]:
    """The records by id, in chunks."""
    ids = sorted(set(ids))
    found = {}
    for start in range(0, len(ids), CHUNK):
        found.update((row.id, row) for row in db.session.scalars(
            select(model).where(model.id.in_(ids[start:start + CHUNK])).options(*options)))
    return found


def bind(provider_id: int, kind: str, ref: str, record_id: int, source_system: str, now: datetime) -> None:
    """Name a new record by the provider's reference. If another request bound the reference first, the
    flush fails and the item is refused whole (its record rolled back with it); sent again, it finds the record."""
    db.session.add(ExternalRef(provider_id=provider_id, kind=kind, external_ref=ref, record_id=record_id,
                               source_system=source_system, created_at=now))
    db.session.flush()
