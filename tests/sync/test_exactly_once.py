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
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from device_sync.client import SyncClient
from server.extensions import db
from server.visits.models import VisitEvent
from tests.factories import HOME
from tests.servers import Server
from tests.sync.device_log import assert_log_matches_database, token

pytestmark = pytest.mark.slow


def fill(client: SyncClient, world, n: int) -> list[str]:
    visit = world.alpha.visits[0]
    return [client.enqueue({"type": "visit_event", "visit_id": visit.id, "kind": "note", "text": f"note {i}",
                            "device_time": (world.start + timedelta(seconds=i)).isoformat(),
                            "lat": HOME[0], "lon": HOME[1], "accuracy_m": 10}) for i in range(n)]



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
        assert restarted.sync() == {"accepted": 0, "duplicate": 40, "rejected": 0, "too_large": 0}
    finally:
        server.kill()
    assert_log_matches_database(restarted, keys)


def test_server_sigkilled_while_batches_are_in_flight(app, world, tmp_path):
    client = SyncClient(str(tmp_path / "queue.db"), "http://unused", token(world), max_items=20)
    keys = fill(client, world, 200)
    post, interrupted = client.session.post, []
    wire = {"in_flight": None, "killed_during": None}  # the upload on the wire now, and when the server died

    def watched_post(*args, **kwargs):
        batch = wire["in_flight"] = json.loads(kwargs["data"])["items"]
        try:
            return post(*args, **kwargs)
        except requests.ConnectionError:
            if wire["killed_during"] is batch:  # the kill landed while this upload was on the wire
                interrupted.append([i["idempotency_key"] for i in batch])
            raise
        finally:
            wire["in_flight"] = None

    client.session.post = watched_post
    for attempt in range(6):
        server = Server()
        client.base_url = server.url

        def kill(server=server):
            wire["killed_during"] = wire["in_flight"]
            server.kill()

        killer = threading.Timer(0.02 + 0.04 * attempt, kill)
        killer.start()
        try:
            client.sync()
        except requests.RequestException:
            pass
        finally:
            killer.join()
        if client.pending() == 0:
            break
    assert interrupted, "no kill cut off an upload in flight"
    db.session.expire_all()
    stored = set(db.session.scalars(select(VisitEvent.idempotency_key)))
    # Through every kill the database holds the queue's head: nothing skipped, nothing stored out of turn,
    # and a batch cut off in flight is stored whole or not at all (one commit per batch).
    assert stored == set(keys[:len(stored)])
    for batch in interrupted:
        assert len(stored & set(batch)) in (0, len(batch))
    final = Server()
    try:
        client.base_url = final.url
        client.sync()
    finally:
        final.kill()
    assert_log_matches_database(client, keys)


def test_the_same_batch_sent_twice_at_once_stores_each_event_once(app, world, tmp_path):
    client = SyncClient(str(tmp_path / "queue.db"), "http://unused", token(world))
    keys = fill(client, world, 100)
    body = client._body([json.loads(raw) for (raw,) in client.db.execute("SELECT item FROM queue ORDER BY seq")])
    headers = {"Authorization": f"Bearer {token(world)}", "Content-Type": "application/json"}
    server = Server(workers=2)
    barrier, answers = threading.Barrier(2), [None, None]

    def send(slot):
        barrier.wait()
        answers[slot] = requests.post(f"{server.url}/api/v1/sync/batches", data=body, headers=headers, timeout=60)

    try:
        senders = [threading.Thread(target=send, args=(slot,)) for slot in (0, 1)]
        for t in senders:
            t.start()
        for t in senders:
            t.join()
    finally:
        server.kill()
    assert [a.status_code for a in answers] == [200, 200]
    first, second = (a.json()["results"] for a in answers)
    db.session.expire_all()
    rows = {e.idempotency_key: e.id for e in db.session.scalars(select(VisitEvent))}
    assert db.session.scalar(select(func.count()).select_from(VisitEvent)) == len(rows) == len(keys)
    for key, a, b in zip(keys, first, second):
        assert a["idempotency_key"] == b["idempotency_key"] == key
        assert sorted((a["status"], b["status"])) == ["accepted", "duplicate"]
        assert a["id"] == b["id"] == rows[key]


def test_client_splits_its_queue_when_the_server_refuses_a_batch(app, world, tmp_path):
    server = Server()
    try:
        client = SyncClient(str(tmp_path / "queue.db"), server.url, token(world), max_items=5000)
        keys = fill(client, world, 520)  # more than the server's 500-item limit
        sizes, post = [], client.session.post

        def counting_post(*args, **kwargs):
            response = post(*args, **kwargs)
            sizes.append((len(json.loads(kwargs["data"])["items"]), response.status_code))
            return response

        client.session.post = counting_post
        assert client.sync() == {"accepted": 520, "duplicate": 0, "rejected": 0, "too_large": 0}
    finally:
        server.kill()
    assert_log_matches_database(client, keys)
    assert sizes == [(520, 413), (500, 200), (20, 200)]  # refused whole, then cut to the limit it was told
    assert client.max_items == 500
