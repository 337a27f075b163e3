"""Counting a feed batch's refused items by reason, for the council's feed quality report.

The counts are written in the batch's own transaction, after every item's savepoint has closed, so a refused
item's rollback cannot take its count with it, and a failing batch leaves no count behind. A batch sent again
counts its refusals again: each is a refusal the provider's system met.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import update

from server.extensions import db
from server.feed.models import FeedRejection, UpsertStatus
from server.unique import insert_once


def record(provider_id: int, source_system: str, kind: str, results: list[dict], now: datetime) -> None:
    reasons = Counter(result["error"]["code"] for result in results if result["status"] == UpsertStatus.REJECTED)
    hour = now.replace(minute=0, second=0, microsecond=0)
    for reason, items in sorted(reasons.items()):
        bucket = {"provider_id": provider_id, "source_system": source_system, "kind": kind, "reason": reason,
                  "hour": hour}
        # A racing batch may have made this hour's row first: then add to it, in SQL, so both counts stay.
        if not insert_once(FeedRejection(**bucket, items=items)):
            db.session.execute(update(FeedRejection).filter_by(**bucket).values(items=FeedRejection.items + items))
