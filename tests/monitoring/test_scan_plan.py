"""The late/missed scan reads the visits due now through an index, not the whole table."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select, text

from server.extensions import db
from server.monitoring.scans import LOOKBACK, waiting_visit_ids
from server.visits.models import OPEN_STATUSES, Visit


def test_due_visit_query_uses_the_status_start_index(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")
    now = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    stmt = select(Visit.id).where(Visit.status.in_(OPEN_STATUSES), Visit.planned_start >= now - LOOKBACK,
                                  Visit.planned_start < now, Visit.started_at.is_(None))
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(r[0] for r in db.session.execute(text(f"EXPLAIN {compiled}")))
    assert "ix_visits_status_planned_start" in plan, plan
    assert "Seq Scan on visits" not in plan


def test_arrivals_read_open_alerts_through_their_index(app):
    """Resolved alerts pile up for ever; the scan's look for waiting visits reads only the open ones."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")
    now = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    compiled = waiting_visit_ids(now).compile(db.engine, compile_kwargs={"literal_binds": True})
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(r[0] for r in db.session.execute(text(f"EXPLAIN {compiled}")))
    assert "ix_alerts_open_raised" in plan, plan
