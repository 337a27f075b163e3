"""One sync of 5,000 queued events against a real gunicorn server on PostgreSQL.

    python tests/bench/bench_sync.py [--quick]

Measures the time the reference client takes to upload the whole queue (in batches of the server's
sync_max_items, asserted), and the server worker's memory: how much its resident set (VmRSS) grew over
the sync, and how far above its starting size it peaked (VmHWM) during it. The floor is the same
number of events posted one by one to the online event endpoint, the way a phone without batching
would send them. Prints a table and writes tests/bench/results/sync.json.
The target: at least 5 times faster than the one-by-one floor, memory flat (bounded by one batch).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from device_sync.client import SyncClient  # noqa: E402
from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from tests.bench.harness import Result, standalone  # noqa: E402
from tests.bench.memory import worker_memory_mb  # noqa: E402
from tests.factories import HOME, make_world, visit_for  # noqa: E402
from tests.sessions import headers_for
from tests.testdb import TEST_SECRET as SECRET  # noqa: E402
from tests.testdb import ensure_database

EVENTS = int(os.environ.get("CAREMON_BENCH_SYNC_EVENTS", 5000))  # 500 with --quick
TARGET = 0.2  # of the one-by-one time
URL = os.environ.get("CAREMON_BENCH_SYNC_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/caremon_bench_sync")


def _events(visits) -> list[dict]:
    events = []
    for visit in visits:
        for minute, kind in ((0, "arrival"), (1, "check_in"), (5, "task_done"), (31, "check_out")):
            extra = {"task": "Breakfast"} if kind == "task_done" else {}
            events.append({"type": "visit_event", "visit_id": visit.id, "idempotency_key": str(uuid.uuid4()),
                           "kind": kind, "device_time": (visit.planned_start + timedelta(minutes=minute)).isoformat(),
                           "lat": HOME[0], "lon": HOME[1], "accuracy_m": 12, **extra})
    return events


def measure(quick: bool = False) -> list[Result]:

    os.environ.update({"CAREMON_DATABASE_URL": URL, "CAREMON_SECRET_KEY": SECRET})
    from tests.servers import Server

    ensure_database(URL)
    app = create_app({"database_url": URL, "secret_key": SECRET})
    events = 500 if quick else EVENTS
    n_visits = events // 4  # an arrival, check-in, task and check-out each
    with app.app_context():
        db.drop_all()
        db.create_all()
        # Every visit over before the sync, a quarter of an hour apart: no event is timed ahead of the server.
        world = make_world(datetime.now(timezone.utc) - timedelta(days=40))
        a = world.alpha
        visits = [visit_for(a.clients[0], world.start + timedelta(minutes=15 * i), workers=[a.workers[0]])
                  for i in range(2 * n_visits)]
        db.session.commit()
        token = headers_for(a.worker_users[0])["Authorization"].split()[1]
        batch_events, floor_events = _events(visits[:n_visits]), _events(visits[n_visits:])
    server = Server(database_url=URL)
    try:
        before = worker_memory_mb(server, reset_peak=True)
        client = SyncClient(tempfile.mktemp(suffix=".queue"), server.url, token)
        client.timeout = 600  # a full batch on a busy machine: the bench measures it, not the phone's patience
        for event in batch_events:
            client.enqueue(event)
        started = time.perf_counter()
        counts = client.sync()
        batch_s = time.perf_counter() - started
        after = worker_memory_mb(server)
        assert counts["accepted"] == len(batch_events), counts
        batches = -(-len(batch_events) // app.config["CAREMON"]["sync_max_items"])
        assert client.sent == {"requests": batches, "items": len(batch_events)}, client.sent  # full batches
        session = requests.Session()
        started = time.perf_counter()
        for event in floor_events:
            body = {k: v for k, v in event.items() if k not in ("type", "visit_id")}
            r = session.post(f"{server.url}/api/v1/visits/{event['visit_id']}/events", json=body,
                             headers={"Authorization": f"Bearer {token}"}, timeout=30)
            assert r.status_code == 201, r.text
        single_s = time.perf_counter() - started
    finally:
        server.kill()
    return [
        Result(f"sync {len(batch_events):,} queued events", batch_s, "s", floor=single_s, target=TARGET,
               higher_is_better=False, details={"floor": f"{len(floor_events):,} such events posted one by one",
                                                "requests": client.sent["requests"], **counts}),
        Result("server RSS growth over the sync", after["VmRSS"] - before["VmRSS"], "MB",
               details={"rss_before_mb": before["VmRSS"], "rss_after_mb": after["VmRSS"]}),
        Result("server peak RSS growth during the sync", after["VmHWM"] - before["VmRSS"], "MB",
               details={"rss_before_mb": before["VmRSS"], "peak_during_mb": after["VmHWM"]}),
    ]


if __name__ == "__main__":
    standalone(measure, "sync", __doc__.splitlines()[0])
