import uuid
from datetime import timedelta

import pytest

from server.care.models import CarePackage
from server.extensions import db
from tests.factories import HOME
from tests.sessions import headers_for


def send_event(client, worker_user, visit, kind: str, at, **fix):
    body = {"idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at.isoformat(), **fix}
    r = client.post(f"/api/v1/visits/{visit.id}/events", json=body, headers=headers_for(worker_user))
    assert r.status_code == 201, r.get_json()


@pytest.fixture
def ew(client, world):
    """Alpha's world billed to a US payer: Northshire keeps New York time, Alpha's first client's package is
    T1019 (personal care), the second client's visit is S5125 (attendant care) on its own.

    The first visit is a double-up checked in and out from the phones at the door; the second was entered by a
    coordinator; a third, planned for the next day, never began.
    """
    a = world.alpha
    world.north.timezone = "America/New_York"
    db.session.scalars(
        db.select(CarePackage).where(CarePackage.client_id == a.clients[0].id)
    ).one().service_code = "T1019"
    a.visits[1].service_code = "S5125"
    a.workers[0].staff_ref = "EMP-17"
    db.session.commit()
    first, second = a.visits
    client.patch(f"/api/v1/visits/{first.id}", json={"worker_ids": [a.workers[0].id, a.workers[1].id]},
                 headers=headers_for(a.coordinator))
    at = world.start
    send_event(client, a.worker_users[0], first, "check_in", at + timedelta(minutes=2), lat=HOME[0], lon=HOME[1],
               accuracy_m=12.0)
    send_event(client, a.worker_users[1], first, "check_in", at + timedelta(minutes=4))
    send_event(client, a.worker_users[0], first, "check_out", at + timedelta(minutes=33), lat=HOME[0] + 0.0003,
               lon=HOME[1], accuracy_m=8.0)
    r = client.post(f"/api/v1/visits/{second.id}/corrections", headers=headers_for(a.coordinator), json={
        "worker_id": a.workers[1].id, "check_in_at": (at + timedelta(minutes=5)).isoformat(),
        "check_out_at": (at + timedelta(minutes=40)).isoformat(), "reason_code": "no_signal"})
    assert r.status_code == 201, r.get_json()
    r = client.post("/api/v1/visits", headers=headers_for(a.coordinator), json={
        "client_id": a.clients[0].id, "planned_start": (at + timedelta(days=1)).isoformat(), "planned_minutes": 30,
        "worker_ids": [a.workers[0].id]})
    assert r.status_code == 201, r.get_json()
    world.planned_id = r.get_json()["id"]
    db.session.expire_all()
    return world
