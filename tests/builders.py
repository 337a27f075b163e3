"""Rows and request bodies beyond those of factories.py's make_world, shared by the tests of every package."""
from __future__ import annotations

import uuid
from datetime import timedelta

from tests.conftest import headers_for
from tests.factories import HOME

FAR = (HOME[0] + 0.0198, HOME[1])  # about 2.2 km north of the home


def event(kind, at, lat=HOME[0], lon=HOME[1], accuracy=12.0, **extra):
    """A phone's visit event as the API takes it."""
    return {"idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at.isoformat(),
            "lat": lat, "lon": lon, "accuracy_m": accuracy, "device_id": "phone-1", **extra}


def post(client, user, visit_id, body):
    return client.post(f"/api/v1/visits/{visit_id}/events", json=body, headers=headers_for(user))


# Bodies for the world `w`, with fields changed; a field set to MISSING is left out of the body altogether.
MISSING = object()


def _without_missing(body: dict) -> dict:
    return {k: v for k, v in body.items() if v is not MISSING}


def ev(w, **changes) -> dict:
    return _without_missing({"idempotency_key": str(uuid.uuid4()), "kind": "check_in",
                             "device_time": w.start.isoformat(), "lat": HOME[0], "lon": HOME[1], "accuracy_m": 10.0,
                             **changes})


def activity(w, **changes) -> dict:
    return _without_missing({"idempotency_key": str(uuid.uuid4()), "category": "review", "minutes": 20,
                             "occurred_at": w.start.isoformat(), **changes})


def correction(w, **changes) -> dict:
    return _without_missing({"worker_id": w.alpha.workers[0].id, "check_in_at": w.start.isoformat(),
                             "check_out_at": (w.start + timedelta(minutes=30)).isoformat(),
                             "reason_code": "forgot_to_log", **changes})


def new_visit(w, **changes) -> dict:
    return _without_missing({"client_id": w.alpha.clients[0].id, "planned_start": w.start.isoformat(),
                             "planned_minutes": 30, **changes})


def new_client(w, **changes) -> dict:
    return _without_missing({"contract_id": w.alpha.contract.id, "name": "Ada", "address": "3 Fell Road",
                             "lat": HOME[0], "lon": HOME[1], **changes})


def pattern(w, **changes) -> dict:
    return {"weekdays": [1, 2, 3], "start_time": "08:00", "duration_minutes": 30, "starts_on": "2026-12-01", **changes}
