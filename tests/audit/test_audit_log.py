"""The audit log is append-only: the database itself refuses to rewrite history (PostgreSQL)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from server.audit.models import AuditEntry
from server.audit.service import record
from server.extensions import db


@pytest.fixture
def entry(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's; SQLite is the embedded demo database")
    made = record("visits.correct", "visit", 7, user_id=None, now=datetime(2026, 12, 1, tzinfo=timezone.utc), why="x")
    db.session.commit()
    return made.id


@pytest.mark.parametrize("statement", [
    lambda i: update(AuditEntry).where(AuditEntry.id == i).values(action="nothing.happened"),
    lambda i: delete(AuditEntry).where(AuditEntry.id == i),
])
def test_an_entry_cannot_be_changed_or_deleted(entry, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(statement(entry))
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.id == entry)) == "visits.correct"


def test_entries_can_still_be_added(entry):
    record("visits.correct", "visit", 8, user_id=None, now=datetime(2026, 12, 1, tzinfo=timezone.utc))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 2
