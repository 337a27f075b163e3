"""Webhook tests run a real receiver on loopback, over plain http, which the test-only setting allows."""
from __future__ import annotations

import pytest

from tests.sessions import headers_for
from tests.webhooks.receiver import Receiver

ALL_EVENTS = ["visit.late", "visit.missed", "visit.completed", "alert.raised", "period.closed"]


@pytest.fixture
def settings(app):
    """The app's settings with webhooks_allow_http_local on, restored after the test."""
    caremon = app.config["CAREMON"]
    saved = dict(caremon)
    caremon["webhooks_allow_http_local"] = True
    yield caremon
    caremon.clear()
    caremon.update(saved)


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


@pytest.fixture
def register(client, settings, receiver):
    """register(owner, events=ALL_EVENTS, url=receiver.url): the created webhook's JSON; the receiver checks
    signatures with its secret."""

    def make(owner, events=ALL_EVENTS, url=None):
        r = client.post("/api/v1/webhooks", json={"url": url or receiver.url, "events": events},
                        headers=headers_for(owner))
        assert r.status_code == 201, r.get_json()
        receiver.secret = r.get_json()["secret"]
        return r.get_json()

    return make
