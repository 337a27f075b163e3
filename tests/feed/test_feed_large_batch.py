"""Batches of the largest size a provider may send are stored in one request each, and a batch sent again
changes nothing. Not a timed test: it shows the batch completes, item by item, on either database."""
from __future__ import annotations

import time
import uuid
from datetime import timedelta

from server.visits.models import Visit, VisitEvent
from tests.api.dbstate import count
from tests.conftest import headers_for
from tests.factories import HOME, api_client_for


def test_full_batches_of_visits_and_events(app, client, world):
    made, _ = api_client_for(world.alpha)
    headers = headers_for(made)
    size = app.config["CAREMON"]["feed_max_items"]
    assert size == 5000
    client.put("/api/v1/feed/clients", headers=headers, json={"items": [
        {"ref": f"C-{i}", "contract_reference": "N-A", "name": f"Client {i}", "address": "Kendal",
         "lat": HOME[0], "lon": HOME[1]} for i in range(50)]})
    client.put("/api/v1/feed/workers", headers=headers, json={"items": [
        {"ref": f"W-{i}", "name": f"Carer {i}"} for i in range(20)]})
    items = [{"ref": f"V-{i}", "client_ref": f"C-{i % 50}", "worker_refs": [f"W-{i % 20}"],
              "planned_start": (world.start + timedelta(days=1, minutes=15 * i)).isoformat(), "planned_minutes": 30}
             for i in range(size)]

    began = time.monotonic()
    r = client.put("/api/v1/feed/visits", headers=headers, json={"items": items})
    first_s = time.monotonic() - began
    assert r.status_code == 200
    assert {x["status"] for x in r.get_json()["results"]} == {"created"}
    assert count(Visit) == 6 + size

    r = client.put("/api/v1/feed/visits", headers=headers, json={"items": items})
    assert {x["status"] for x in r.get_json()["results"]} == {"unchanged"}
    print(f"5,000 visits: first {first_s:.1f} s, again {time.monotonic() - began - first_s:.1f} s")

    events = [{"idempotency_key": str(uuid.uuid4()), "kind": "check_in", "worker_ref": item["worker_refs"][0],
               "visit_ref": item["ref"], "device_time": item["planned_start"], "lat": HOME[0], "lon": HOME[1],
               "accuracy_m": 10.0} for item in items]
    began = time.monotonic()
    r = client.post("/api/v1/feed/events", headers=headers, json={"items": events})
    assert r.status_code == 200
    assert {x["status"] for x in r.get_json()["results"]} == {"accepted"}
    assert count(VisitEvent) == size
    print(f"5,000 events: {time.monotonic() - began:.1f} s")
