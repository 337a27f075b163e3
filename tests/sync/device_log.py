"""What the reference sync client and the server must agree on, for the tests that run the client against a real
server: the worker's token it sends, and its log of acknowledgements matching the database row by row."""
from __future__ import annotations

from sqlalchemy import func, select

from device_sync.client import SyncClient
from server.extensions import db
from server.visits.models import VisitEvent
from tests.sessions import headers_for


def token(world) -> str:
    return headers_for(world.alpha.worker_users[0])["Authorization"].split()[1]


def assert_log_matches_database(client: SyncClient, keys: list[str]) -> None:
    db.session.expire_all()
    rows = {e.idempotency_key: e.id for e in db.session.scalars(select(VisitEvent))}
    acked = client.acknowledged()
    assert client.pending() == 0
    assert set(acked) == set(keys) == set(rows)
    assert db.session.scalar(select(func.count()).select_from(VisitEvent)) == len(keys)
    for key, (status, server_id) in acked.items():
        assert status in ("accepted", "duplicate")
        assert rows[key] == server_id
