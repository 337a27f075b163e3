"""Feed ingestion: items a second through the provider feed, against the phones' sync endpoint's rate.

    python -m tests.bench --only feed [--quick]        (or python tests/bench/bench_feed.py [--quick])

On SQLite and on PostgreSQL, against a real gunicorn server: a provider's system sends N clients (with care
packages), N workers, N visits (each naming its own client and carer) and N check-in events through the feed,
in batches of feed_max_items (5,000); each batch's items a second are Caremon's figures. The floor for the
events is the sync endpoint's rate: N check-ins of other visits uploaded by a phone's reference client in
batches of sync_max_items (500). A feed event costs what a synced one does (the same record_event) plus
finding its carer and visit by reference, which a batch does once for all its items; the target is that the
feed keeps up with the phones (a tenth allowed for a shared machine's noise). Clients, workers and visits have no
such twin in the sync protocol, so their rates are reported only. Prints a table and writes results/feed.json.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from device_sync.client import SyncClient  # noqa: E402
from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from tests.bench.harness import Result, standalone  # noqa: E402
from tests.factories import HOME, api_client_for, make_world, visit_for  # noqa: E402
from tests.sessions import headers_for
from tests.testdb import TEST_SECRET as SECRET  # noqa: E402
from tests.testdb import ensure_database

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/caremon_bench_feed"
BATCH = 5000
TARGET = 0.9


def _feed_items(n: int, start) -> dict[str, list]:
    planned = [(start + timedelta(days=1, minutes=i)).isoformat() for i in range(n)]
    return {
        "clients": [{"ref": f"C-{i}", "contract_reference": "N-A", "name": f"Client {i}", "address": "Kendal",
                     "lat": HOME[0], "lon": HOME[1], "care_package": {"weekly_minutes": 420,
                                                                      "starts_on": "2026-11-01"}} for i in range(n)],
        "workers": [{"ref": f"W-{i}", "name": f"Carer {i}"} for i in range(n)],
        "visits": [{"ref": f"V-{i}", "client_ref": f"C-{i}", "worker_refs": [f"W-{i}"], "planned_start": planned[i],
                    "planned_minutes": 30} for i in range(n)],
        "events": [{"idempotency_key": str(uuid.uuid4()), "kind": "check_in", "worker_ref": f"W-{i}",
                    "visit_ref": f"V-{i}", "device_time": planned[i], "lat": HOME[0], "lon": HOME[1],
                    "accuracy_m": 10.0} for i in range(n)],
    }


def _feed(session: requests.Session, url: str, token: str, kind: str, items: list) -> float:
    """Seconds to send the items in full batches; every item must be stored."""
    started = time.perf_counter()
    for first in range(0, len(items), BATCH):
        r = session.request("POST" if kind == "events" else "PUT", f"{url}/api/v1/feed/{kind}",
                            json={"items": items[first:first + BATCH]}, headers={"Authorization": f"Bearer {token}"},
                            timeout=600)
        assert r.status_code == 200, r.text[:500]
        refused = [x for x in r.json()["results"] if x["status"] == "rejected"]
        assert not refused, refused[:3]
    return time.perf_counter() - started


def _sync_events(visits) -> list[dict]:
    return [{"type": "visit_event", "visit_id": v.id, "idempotency_key": str(uuid.uuid4()), "kind": "check_in",
             "device_time": (v.planned_start + timedelta(minutes=1)).isoformat(), "lat": HOME[0], "lon": HOME[1],
             "accuracy_m": 10.0} for v in visits]


def measure_on(name: str, url: str, n: int) -> list[Result]:
    from tests.servers import Server

    ensure_database(url)
    app = create_app({"database_url": url, "secret_key": SECRET})
    with app.app_context():
        db.drop_all()
        db.create_all()
        world = make_world()
        a = world.alpha
        # The phone's visits: one carer's run, a visit every 10 minutes the day before the feed's.
        phone_visits = [visit_for(a.clients[0], world.start - timedelta(days=2, minutes=-10 * i), workers=[a.workers[0]])
                        for i in range(n)]
        db.session.commit()
        synced = _sync_events(phone_visits)
        phone_token = headers_for(a.worker_users[0])["Authorization"].split()[1]
        feed_token = headers_for(api_client_for(a)[0])["Authorization"].split()[1]
        items = _feed_items(n, world.start)
    os.environ.update({"CAREMON_DATABASE_URL": url, "CAREMON_SECRET_KEY": SECRET})
    server = Server(database_url=url)
    try:
        session = requests.Session()
        seconds = {kind: _feed(session, server.url, feed_token, kind, batch) for kind, batch in items.items()}
        phone = SyncClient(tempfile.mktemp(suffix=".queue"), server.url, phone_token, max_items=500, timeout=600)
        for event in synced:
            phone.enqueue(event)
        started = time.perf_counter()
        counts = phone.sync()
        sync_s = time.perf_counter() - started
        assert counts["accepted"] == n, counts
    finally:
        server.kill()
    rate = {kind: n / s for kind, s in seconds.items()}
    results = [Result(f"feed {kind} ({name}, {n:,})", rate[kind], "items/s", details={"seconds": seconds[kind]})
               for kind in ("clients", "workers", "visits")]
    results.append(Result(f"feed events vs sync ({name}, {n:,})", rate["events"], "items/s", floor=n / sync_s,
                          target=TARGET, details={"feed_s": seconds["events"], "sync_s": sync_s,
                                                  "floor": "the same number of check-ins synced by a phone, "
                                                           "500 a request", "sync_requests": phone.sent}))
    return results


def measure(quick: bool = False) -> list[Result]:
    n = 200 if quick else 1000
    with tempfile.TemporaryDirectory() as folder:
        sqlite = measure_on("SQLite", f"sqlite:///{folder}/bench-feed.db", n)
    return sqlite + measure_on("PostgreSQL", PG_URL, n)


if __name__ == "__main__":
    standalone(measure, "feed", __doc__.splitlines()[0])
