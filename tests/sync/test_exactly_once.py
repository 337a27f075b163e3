"""Exactly once through crashes: the reference client against a real server process.

The server is killed between its commit and its answer, the client is killed right
after sending, and a server is SIGKILLed while a batch is in flight. After recovery,
every item the client recorded is in the database exactly once, and the client's log
of acknowledgements matches the database row by row.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import uuid
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from device_sync.client import SyncClient
from server.extensions import db
from server.visits.models import VisitEvent
from tests.conftest import headers_for
from tests.servers import Server
from tests.factories import HOME

pytestmark = pytest.mark.slow


def fill(client: SyncClient, world, n: int) -> list[str]:
    visit = world.alpha.visits[0]
    return [client.enqueue({"type": "visit_event", "visit_id": visit.id, "kind": "note", "text": f"note {i}",
                            "device_time": (world.start + timedelta(seconds=i)).isoformat(),
                            "lat": HOME[0], "lon": HOME[1], "accuracy_m": 10}) for i in range(n)]


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


def test_server_dies_between_commit_and_answer(app, world, tmp_path):
    crashing = Server(crash_after_commit=True)
    client = SyncClient(str(tmp_path / "queue.db"), crashing.url, token(world), max_items=25)
    keys = fill(client, world, 60)
    try:
        with pytest.raises(requests.ConnectionError):
            client.sync()
    finally:
        crashing.kill()
    assert client.pending() == 60  # no answer, nothing forgotten
    healthy = Server()
    client.base_url = healthy.url
    try:
        client.sync()
    finally:
        healthy.kill()
    assert_log_matches_database(client, keys)
    assert {s for s, _ in client.acknowledged().values()} == {"accepted", "duplicate"}


def test_client_killed_right_after_sending(app, world, tmp_path):
    server = Server()
    queue = tmp_path / "queue.db"
    client = SyncClient(str(queue), server.url, token(world))
    keys = fill(client, world, 40)
    client.db.close()
    script = textwrap.dedent(f"""
        import os, requests
        from device_sync.client import SyncClient
        client = SyncClient({str(queue)!r}, {server.url!r}, {token(world)!r})
        real_post = client.session.post
        def post_then_die(*args, **kwargs):
            real_post(*args, **kwargs)
            os._exit(9)  # killed before reading the answer
        client.session.post = post_then_die
        client.sync()
    """)
    try:
        died = subprocess.run([sys.executable, "-c", script], timeout=60)
        assert died.returncode == 9
        restarted = SyncClient(str(queue), server.url, token(world))
        assert restarted.pending() == 40
        assert restarted.sync() == {"accepted": 0, "duplicate": 40, "rejected": 0}
    finally:
        server.kill()
    assert_log_matches_database(restarted, keys)


def test_server_sigkilled_while_batches_are_in_flight(app, world, tmp_path):
    client = SyncClient(str(tmp_path / "queue.db"), "http://unused", token(world), max_items=20)
    keys = fill(client, world, 200)
    for attempt in range(6):
        server = Server()
        client.base_url = server.url
        killer = threading.Timer(0.05 + 0.05 * attempt, server.kill)
        killer.start()
        try:
            client.sync()
        except requests.RequestException:
            pass
        finally:
            killer.cancel()
            server.kill()
        if client.pending() == 0:
            break
    final = Server()
    try:
        client.base_url = final.url
        client.sync()
    finally:
        final.kill()
    assert_log_matches_database(client, keys)


def test_client_splits_its_queue_when_the_server_refuses_a_batch(app, world, tmp_path):
    server = Server()
    try:
        client = SyncClient(str(tmp_path / "queue.db"), server.url, token(world), max_items=5000)
        keys = fill(client, world, 520)  # more than the server's 500-item limit
        assert client.sync() == {"accepted": 520, "duplicate": 0, "rejected": 0}
    finally:
        server.kill()
    assert_log_matches_database(client, keys)
    assert json.loads(json.dumps(client.max_items)) <= 500
    assert uuid.UUID(keys[0])
