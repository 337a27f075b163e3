"""No item can block a device's queue: whatever fails is that item's rejection, the rest are stored."""
from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.sync import service
from server.visits.models import NonContactActivity, Visit, VisitEvent
from tests.builders import item, upload
from tests.dbstate import count
from tests.sessions import headers_for


def activity(world, **extra):
    return {"type": "activity", "client_id": world.alpha.clients[0].id, "idempotency_key": str(uuid.uuid4()),
            "category": "liaising_family", "minutes": 15, "occurred_at": world.start.isoformat(), **extra}


def good_items(world):
    visit, t = world.alpha.visits[0], world.start
    return ([item(visit, "check_in", t), item(visit, "note", t + timedelta(minutes=5), text="All well")],
            [item(visit, "check_out", t + timedelta(minutes=30)), activity(world)])


BAD = {
    "nul_in_note": lambda w: item(w.alpha.visits[0], "note", w.start, text="tea\u0000biscuits"),
    "nul_in_device_id": lambda w: item(w.alpha.visits[0], "note", w.start, text="ok", device_id="pwa\u00001"),
    "nul_in_activity_note": lambda w: activity(w, note="rang\u0000daughter"),
    "year_1_at_plus_14": lambda w: item(w.alpha.visits[0], "task_done", w.start, task="Breakfast")
    | {"device_time": "0001-01-01T00:00:00+14:00"},
    "year_9999_at_minus_14": lambda w: item(w.alpha.visits[0], "check_out", w.start)
    | {"device_time": "9999-12-31T23:59:59-14:00"},
    "activity_in_year_9999": lambda w: activity(w, occurred_at="9999-12-31T23:59:59Z"),
}
FIELD = {"nul_in_note": "text", "nul_in_device_id": "device_id", "nul_in_activity_note": "note",
         "year_1_at_plus_14": "device_time", "year_9999_at_minus_14": "device_time",
         "activity_in_year_9999": "occurred_at"}


def assert_good_stored_once(world, response, before, after, rejected_code):
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * len(before) + ["rejected"] + ["accepted"] * len(after)
    bad = results[len(before)]
    assert bad["error"]["code"] == rejected_code
    assert (count(VisitEvent), count(NonContactActivity)) == (3, 1)
    assert db.session.get(Visit, world.alpha.visits[0].id).status == "completed"
    return bad


@pytest.mark.parametrize("kind", BAD)
def test_a_bad_item_among_good_ones_is_rejected_alone_and_a_retry_gives_duplicates(client, world, kind):
    before, after = good_items(world)
    batch = [*before, BAD[kind](world), *after]
    bad = assert_good_stored_once(world, upload(client, world.alpha.worker_users[0], batch), before, after,
                                  "validation_error")
    assert list(bad["error"]["details"]["fields"]) == [FIELD[kind]]
    retry = upload(client, world.alpha.worker_users[0], batch).get_json()["results"]
    assert [r["status"] for r in retry] == ["duplicate"] * 2 + ["rejected"] + ["duplicate"] * 2
    assert (count(VisitEvent), count(NonContactActivity)) == (3, 1)


def test_an_unexpected_failure_rejects_that_item_as_internal_error_and_is_logged(client, world, monkeypatch,
                                                                                 caplog):
    before, after = good_items(world)
    broken = item(world.alpha.visits[0], "task_done", world.start + timedelta(minutes=10), task="Breakfast")
    real = service.record_event

    def failing(**kwargs):
        event = real(**kwargs)
        if kwargs["data"]["idempotency_key"] == uuid.UUID(broken["idempotency_key"]):
            raise LookupError("something nobody planned for")  # after the event was flushed: it must not stay
        return event

    monkeypatch.setattr(service, "record_event", failing)
    batch = [*before, broken, *after]
    with caplog.at_level(logging.ERROR, logger="caremon.sync"):
        r = upload(client, world.alpha.worker_users[0], batch)
    bad = assert_good_stored_once(world, r, before, after, "internal_error")
    assert bad["idempotency_key"] == broken["idempotency_key"]
    assert "something nobody planned for" not in r.get_data(as_text=True)  # the reason is logged, not sent
    assert broken["idempotency_key"] in caplog.text and "LookupError" in caplog.text
    assert db.session.scalar(select(VisitEvent).where(VisitEvent.kind == "task_done")) is None

    retry = upload(client, world.alpha.worker_users[0], batch).get_json()["results"]
    assert [r["status"] for r in retry] == ["duplicate"] * 2 + ["rejected"] + ["duplicate"] * 2
    assert (count(VisitEvent), count(NonContactActivity)) == (3, 1)


@pytest.mark.parametrize("sent_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_a_batch_sent_at_the_edge_of_the_calendar_is_422_and_writes_nothing(client, world, sent_at):
    before, after = good_items(world)
    r = client.post("/api/v1/sync/batches", headers=headers_for(world.alpha.worker_users[0]),
                    json={"device_id": "phone-7", "sent_at": sent_at, "items": [*before, *after]})
    assert r.status_code == 422
    assert list(r.get_json()["error"]["details"]["fields"]) == ["sent_at"]
    assert (count(VisitEvent), count(NonContactActivity)) == (0, 0)
