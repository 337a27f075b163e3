"""The coordinator's message log: the day's messages about their own visits by state, recipients redacted."""
from __future__ import annotations

from datetime import timedelta

import pytest

from server.config import load_settings
from server.monitoring.scans import scan
from server.notify.log import redact
from server.notify.sender import drain
from tests.dbstate import snapshot
from tests.notify.fakes import Delivering, Refusing
from tests.sessions import headers_for

M = timedelta(minutes=1)


def log(client, user, **query):
    r = client.get("/api/v1/notify/messages", query_string={"date": "2026-11-23", **query}, headers=headers_for(user))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


@pytest.fixture
def day(world):
    """The family's delay message failed for good; the missed-visit message to them was delivered."""
    settings = load_settings()
    scan(world.start + 31 * M, settings)
    drain({"email": Refusing()}, world.start + 31 * M, max_attempts=1)
    scan(world.start + 61 * M, settings)
    drain({"email": Delivering()}, world.start + 61 * M)
    return world


def test_the_day_s_messages_by_state_with_recipients_redacted(client, day):
    a = day.alpha
    every = log(client, a.coordinator)
    assert every["date"] == "2026-11-23"
    kinds = {(m["kind"], m["state"]) for m in every["items"]}
    assert {("delay", "failed"), ("missed", "delivered")} <= kinds
    delivered = log(client, a.coordinator, state="delivered")["items"]
    missed = next(m for m in delivered if m["kind"] == "missed")
    assert missed["recipient"] == "f•••@alpha.example" and missed["recipient_name"] == "Family"
    assert missed["client_name"] == "AlphaClient1" and missed["visit_id"] == a.visits[0].id
    assert "AlphaClient1" in missed["body"] and missed["sent_at"]
    assert all(m["state"] == "delivered" for m in delivered)
    assert every["counts"]["failed"] == 1 and every["counts"]["delivered"] == len(delivered)
    assert sum(every["counts"].values()) == len(every["items"])
    # Another day has none; another provider sees only its own.
    assert log(client, a.coordinator, date="2026-11-24")["items"] == []
    assert {m["visit_id"] for m in log(client, day.beta.coordinator)["items"]} <= {v.id for v in day.beta.visits}


def test_only_staff_read_it_and_bad_filters_change_nothing(client, day):
    before = snapshot()
    for query in ({"state": "lost"}, {"date": "2026-02-30"}, {"limit": 0}, {"cursor": "nope"}):
        r = client.get("/api/v1/notify/messages", query_string=query, headers=headers_for(day.alpha.coordinator))
        assert r.status_code == 422, query
    assert snapshot() == before
    for who in (day.alpha.worker_users[0], day.alpha.family, day.officer):
        assert client.get("/api/v1/notify/messages", headers=headers_for(who)).status_code == 403


@pytest.mark.parametrize("channel, recipient, shown", [
    ("email", "sarah.atkinson@example.org", "s•••@example.org"),
    ("sms", "07700 900123", "•••• 123"),
    ("sms", "12", "••••"),
    ("push", "17", "app"),
])
def test_redaction(channel, recipient, shown):
    assert redact(channel, recipient) == shown
