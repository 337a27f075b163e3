"""Batches of the largest size a provider may send (feed_max_items, 5,000) are stored in one request each, for
every kind: clients with their care packages, workers, visits (each naming its own client and carer) and
events; a batch sent again changes nothing. Not a timed test (tests/bench/bench_feed.py measures the rate): it
shows each batch completes, item by item, on either database, and prints how long each took."""
from __future__ import annotations

import time
import uuid
from datetime import timedelta

from server.care.models import CarePackage
from server.directory.models import Client, Worker
from server.visits.models import Visit, VisitEvent
from tests.dbstate import count
from tests.factories import HOME, api_client_for
from tests.sessions import headers_for


def test_full_batches_of_clients_workers_visits_and_events(app, client, world):
    made, _ = api_client_for(world.alpha)
    headers = headers_for(made)
    size = app.config["CAREMON"]["feed_max_items"]
    assert size == 5000
    before = {model: count(model) for model in (Client, CarePackage, Worker, Visit)}

    def send(kind: str, items: list, expected: str) -> None:
        began = time.monotonic()
        r = client.open(f"/api/v1/feed/{kind}", method="POST" if kind == "events" else "PUT", headers=headers,
                        json={"items": items})
        assert r.status_code == 200, r.get_json()
        results = r.get_json()["results"]
        assert len(results) == size and {x["status"] for x in results} == {expected}, results[:3]
        print(f"{size:,} {kind} {expected}: {time.monotonic() - began:.1f} s")

    clients = [{"ref": f"C-{i}", "contract_reference": "N-A", "name": f"Client {i}", "address": "Kendal",
                "lat": HOME[0], "lon": HOME[1], "care_package": {"weekly_minutes": 420, "starts_on": "2026-11-01",
                                                                 "service_code": "T1019"}} for i in range(size)]
    send("clients", clients, "created")
    send("clients", clients, "unchanged")
    assert count(Client) - before[Client] == count(CarePackage) - before[CarePackage] == size

    workers = [{"ref": f"W-{i}", "name": f"Carer {i}", "staff_ref": f"EMP-{i}"} for i in range(size)]
    send("workers", workers, "created")
    send("workers", workers, "unchanged")
    assert count(Worker) - before[Worker] == size

    visits = [{"ref": f"V-{i}", "client_ref": f"C-{i}", "worker_refs": [f"W-{i}"],
               "planned_start": (world.start + timedelta(days=1, minutes=i)).isoformat(), "planned_minutes": 30}
              for i in range(size)]
    send("visits", visits, "created")
    send("visits", visits, "unchanged")
    assert count(Visit) - before[Visit] == size

    events = [{"idempotency_key": str(uuid.uuid4()), "kind": "check_in", "worker_ref": visit["worker_refs"][0],
               "visit_ref": visit["ref"], "device_time": visit["planned_start"], "lat": HOME[0], "lon": HOME[1],
               "accuracy_m": 10.0} for visit in visits]
    send("events", events, "accepted")
    assert count(VisitEvent) == size
