"""Issuing tags and checking in by them through the API, for the tag and SMS tests."""
from __future__ import annotations

import uuid

from tests.conftest import headers_for


def issue(client, world, home):
    r = client.post(f"/api/v1/clients/{home.id}/tags", headers=headers_for(world.alpha.coordinator))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def by_tag(kind, at, **presence):
    """An event without a fix (indoors), showing presence some other way."""
    return {"idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at.isoformat(), **presence}
