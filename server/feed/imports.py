"""A provider administrator's CSV of clients, workers or visits, stored as the feed stores a batch.

Each row goes through the feed's own item schema and upserts (server/feed/upserts.py), one savepoint a row,
so a row is accepted or refused exactly as the same item sent to PUT /api/v1/feed/{kind} would be, and the
same file imported again is answered unchanged throughout. Rows a visit file names are found by the
references earlier imports or feeds gave. A dry run does the same work; its caller rolls it all back.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from server.audit.service import record
from server.auth.tenancy import Identity
from server.errors import ApiError
from server.feed import batch, upserts
from server.feed.files import FeedFile
from server.feed.models import UpsertStatus
from server.feed.schemas import ClientItemSchema, VisitItemSchema, WorkerItemSchema

# Kept as each reference's source system, where an API client's name would be.
IMPORT_SOURCE = "CSV import"
IMPORTABLE = {
    "clients": (ClientItemSchema, upserts.ClientUpserts),
    "workers": (WorkerItemSchema, upserts.WorkerUpserts),
    "visits": (VisitItemSchema, upserts.VisitUpserts),
}


def import_file(ident: Identity, feed_file: FeedFile, now: datetime, *, dry_run: bool) -> dict:
    """The report of every row; accepted rows are flushed, and the caller commits (or, dry, rolls back)."""
    schema, upserts_for = IMPORTABLE[feed_file.kind]
    readable = [row for row in feed_file.rows if row.error is None]
    items = [row.item for row in readable]
    stored = iter(batch.run(items, schema(), upserts_for(ident, IMPORT_SOURCE, items, now), "ref"))
    results = []
    for row in feed_file.rows:
        result = next(stored) if row.error is None else batch.rejected(
            "ref", row.item.get("ref"), ApiError(422, "unreadable_row", row.error))
        results.append({"line": row.line, **result, "id": None if dry_run else result.get("id")})
    counts = Counter(result["status"] for result in results)
    if not dry_run and counts.keys() & {UpsertStatus.CREATED, UpsertStatus.UPDATED}:
        record("feed.import", "provider", ident.provider_id, user_id=ident.user_id, now=now, kind=feed_file.kind,
               rows=len(results), **counts)
    return {"kind": feed_file.kind, "dry_run": dry_run, "rows": len(results),
            "accepted": len(results) - counts[UpsertStatus.REJECTED], "rejected": counts[UpsertStatus.REJECTED],
            "counts": dict(counts), "results": results}
