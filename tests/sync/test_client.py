"""The reference client against a real server: batches cut to the byte limit, items too large to
ever go set aside with their reason, and an access token that expired while offline refreshed."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import select

from device_sync.client import SyncClient
from server.auth.service import token_claims
from server.extensions import db
from server.visits.models import VisitEvent
from tests.factories import HOME
from tests.servers import Server
from tests.sync.device_log import assert_log_matches_database, token

pytestmark = pytest.mark.slow

MAX_BYTES = 20_000


def note(world, i: int, size: int) -> dict:
    return {"type": "visit_event", "visit_id": world.alpha.visits[0].id, "kind": "note", "text": "n" * size,
            "device_time": (world.start + timedelta(seconds=i)).isoformat(),
            "lat": HOME[0], "lon": HOME[1], "accuracy_m": 10}


def record_bodies(client: SyncClient) -> list[bytes]:
    """Every sync request body the client sends, in order."""
    bodies, post = [], client.session.post

    def recording_post(url, *args, **kwargs):
        if url.endswith("/sync/batches"):
            bodies.append(kwargs["data"])
        return post(url, *args, **kwargs)

    client.session.post = recording_post
    return bodies


@pytest.fixture
def small_server(monkeypatch):
    monkeypatch.setenv("CAREMON_SYNC_MAX_BYTES", str(MAX_BYTES))
    server = Server()
    yield server
    server.kill()


def test_batches_are_cut_to_the_byte_limit_and_packed_full(app, world, small_server, tmp_path):
    client = SyncClient(str(tmp_path / "queue.db"), small_server.url, token(world), max_bytes=MAX_BYTES)
    keys = [client.enqueue(note(world, i, 900 + 37 * (i % 5))) for i in range(60)]
    bodies = record_bodies(client)
    assert client.sync() == {"accepted": 60, "duplicate": 0, "rejected": 0, "too_large": 0}
    assert_log_matches_database(client, keys)
    assert all(len(b) <= MAX_BYTES for b in bodies)
    items = [json.loads(b)["items"] for b in bodies]
    assert [i["idempotency_key"] for batch in items for i in batch] == keys  # queue order, each once, no refusal
    for body, following in zip(bodies, items[1:]):
        # Packed full: the next batch's first item would not have fitted in this one.
        assert len(body) + len(", ") + len(json.dumps(following[0]).encode()) > MAX_BYTES

def test_a_client_that_does_not_know_the_byte_limit_learns_it_from_the_refusal(app, world, small_server, tmp_path):
    client = SyncClient(str(tmp_path / "queue.db"), small_server.url, token(world))  # assumes 2 MB
    keys = [client.enqueue(note(world, i, 1000)) for i in range(50)]
    bodies = record_bodies(client)
    assert client.sync() == {"accepted": 50, "duplicate": 0, "rejected": 0, "too_large": 0}
    assert client.max_bytes == MAX_BYTES
    assert len(bodies[0]) > MAX_BYTES  # refused whole with 413, then split
    assert all(len(b) <= MAX_BYTES for b in bodies[1:])
    assert_log_matches_database(client, keys)


@pytest.mark.parametrize("knows_limit", [True, False], ids=["known-limit", "learned-limit"])
def test_an_item_too_large_to_ever_go_is_set_aside_with_its_reason_and_blocks_nothing(
        app, world, small_server, tmp_path, knows_limit):
    client = SyncClient(str(tmp_path / "queue.db"), small_server.url, token(world),
                        max_bytes=MAX_BYTES if knows_limit else 2 * 1024 * 1024)
    before = [client.enqueue(note(world, i, 500)) for i in range(3)]
    huge = client.enqueue(note(world, 3, MAX_BYTES + 1))
    after = [client.enqueue(note(world, i, 500)) for i in range(4, 10)]
    assert client.sync() == {"accepted": 9, "duplicate": 0, "rejected": 0, "too_large": 1}
    reason = client.too_large()[huge]
    assert reason["code"] == "item_too_large"
    assert reason["details"]["bytes"] > reason["details"]["max_bytes"] == MAX_BYTES
    assert client.pending() == 0
    stored = set(db.session.scalars(select(VisitEvent.idempotency_key)))
    assert stored == set(before + after)
    assert huge not in client.acknowledged()

    bodies = record_bodies(client)
    assert client.sync()["too_large"] == 1  # still kept, and not sent again at the same limits
    assert bodies == []
    assert set(client.too_large()) == {huge}


def minted(world, access_expiry: timedelta | None = None, refresh_expiry: timedelta | None = None) -> tuple[str, str]:
    user = world.alpha.worker_users[0]
    claims = token_claims(user)
    return (create_access_token(identity=str(user.id), additional_claims=claims, expires_delta=access_expiry),
            create_refresh_token(identity=str(user.id), additional_claims=claims, expires_delta=refresh_expiry))


def test_an_access_token_that_expired_offline_is_refreshed_once_and_the_upload_retried(app, world, tmp_path):
    expired, refresh = minted(world, access_expiry=timedelta(minutes=-1))
    server = Server()
    try:
        client = SyncClient(str(tmp_path / "queue.db"), server.url, expired, refresh_token=refresh)
        keys = [client.enqueue(note(world, i, 10)) for i in range(5)]
        assert requests.post(f"{server.url}/api/v1/sync/batches", json={}, timeout=10,
                             headers={"Authorization": f"Bearer {expired}"}).json()["error"]["code"] == "token_expired"
        assert client.sync() == {"accepted": 5, "duplicate": 0, "rejected": 0, "too_large": 0}
        assert client.token != expired
        assert client.sent["requests"] == 2  # refused once, then sent with the new token
        client.enqueue(note(world, 5, 10))
        assert client.sync()["accepted"] == 1
        assert client.sent["requests"] == 3  # the new token is kept
    finally:
        server.kill()
    assert client.acknowledged().keys() >= set(keys)


@pytest.mark.parametrize("refresh_too", [False, True], ids=["no-refresh-token", "refresh-token-expired"])
def test_a_login_that_cannot_be_refreshed_fails_loudly_and_keeps_the_queue(app, world, tmp_path, refresh_too):
    expired, refresh = minted(world, timedelta(minutes=-1), timedelta(minutes=-1))
    server = Server()
    try:
        client = SyncClient(str(tmp_path / "queue.db"), server.url, expired,
                            refresh_token=refresh if refresh_too else None)
        client.enqueue(note(world, 0, 10))
        with pytest.raises(requests.HTTPError) as failure:
            client.sync()
    finally:
        server.kill()
    assert failure.value.response.status_code == 401
    assert failure.value.response.url.endswith("/auth/refresh" if refresh_too else "/sync/batches")
    assert client.sent["requests"] == 1
    assert client.pending() == 1
    assert db.session.scalars(select(VisitEvent)).all() == []
