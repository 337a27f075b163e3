"""Coordinators see the messages the outbox could not deliver, for their own provider only, and send them again."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.config import load_settings
from server.extensions import db
from server.monitoring.scans import scan
from server.notify.models import Notification
from server.notify.sender import drain
from tests.notify.fakes import Delivering, DiesMidSend, Refusing
from tests.sessions import headers_for

M = timedelta(minutes=1)


@pytest.fixture
def undelivered(world):
    """Every provider's delay message failed for good; an escalation was in flight when the sender died."""
    settings = load_settings()
    scan(world.start + 31 * M, settings)
    drain({"email": Refusing()}, world.start + 31 * M, max_attempts=1)
    scan(world.start + 61 * M, settings)
    drain({"email": Delivering()}, world.start + 61 * M)
    escalate_at = world.start + 61 * M + timedelta(minutes=settings["escalation_minutes"])
    scan(escalate_at, settings)
    with pytest.raises(SystemExit):
        drain({"email": DiesMidSend()}, escalate_at)
    db.session.rollback()
    drain({"email": Delivering()}, escalate_at + 11 * M)
    escalation = db.session.scalar(select(Notification).where(Notification.status == "uncertain"))
    assert escalation.recipient == "oncall@alpha.example"
    return world, escalation


def listing(client, user, query=""):
    return client.get(f"/api/v1/notify/undelivered{query}", headers=headers_for(user))


def test_coordinator_sees_failed_and_uncertain_messages_of_their_own_visits(client, undelivered):
    world, escalation = undelivered
    r = listing(client, world.alpha.coordinator)
    assert r.status_code == 200
    items = r.get_json()["items"]
    assert [(i["kind"], i["status"], i["visit_id"]) for i in items] == [
        ("delay", "failed", world.alpha.visits[0].id), ("escalation", "uncertain", escalation.visit_id)]
    assert items[0]["client_name"] == "AlphaClient1" and "smtp down" in items[0]["last_error"]
    failed = listing(client, world.alpha.admin, "?status=failed").get_json()["items"]
    assert [i["status"] for i in failed] == ["failed"]
    beta = listing(client, world.beta.coordinator).get_json()["items"]
    assert [(i["kind"], i["visit_id"]) for i in beta] == [("delay", world.beta.visits[0].id)]


def test_list_pages_by_cursor(client, undelivered):
    world, _ = undelivered
    first = listing(client, world.alpha.coordinator, "?limit=1").get_json()
    second = listing(client, world.alpha.coordinator, f"?limit=1&cursor={first['next_cursor']}").get_json()
    assert [i["kind"] for i in first["items"] + second["items"]] == ["delay", "escalation"]
    assert second["next_cursor"] is None


def test_retry_puts_the_message_back_and_the_sender_delivers_it(client, undelivered):
    world, escalation = undelivered
    r = client.post(f"/api/v1/notify/undelivered/{escalation.id}/retry", json={"reason": "On-call says not received"},
                    headers=headers_for(world.alpha.coordinator))
    assert r.status_code == 200
    assert (r.get_json()["status"], r.get_json()["attempts"]) == ("pending", 0)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "notification.retry"))
    assert (entry.user_id, entry.details["reason"], entry.details["status"]) == (
        world.alpha.coordinator.id, "On-call says not received", "uncertain")
    channel = Delivering()
    drain({"email": channel}, db.session.get(Notification, escalation.id).next_attempt_at)
    assert channel.sent == [escalation.id]
    assert [i["kind"] for i in listing(client, world.alpha.coordinator).get_json()["items"]] == ["delay"]
    again = client.post(f"/api/v1/notify/undelivered/{escalation.id}/retry", json={"reason": "again"},
                        headers=headers_for(world.alpha.coordinator))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "not_undelivered"


def test_other_provider_cannot_retry_and_other_roles_cannot_see(client, undelivered):
    world, escalation = undelivered
    r = client.post(f"/api/v1/notify/undelivered/{escalation.id}/retry", json={"reason": "mine now"},
                    headers=headers_for(world.beta.coordinator))
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    assert db.session.get(Notification, escalation.id).status == "uncertain"
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    for outsider in (world.alpha.family, world.alpha.worker_users[0], world.officer):
        assert listing(client, outsider).status_code == 403
    for missing in (999999, 2**64):
        r = client.post(f"/api/v1/notify/undelivered/{missing}/retry", json={"reason": "x"},
                        headers=headers_for(world.alpha.coordinator))
        assert r.status_code == 404


def test_bad_retry_or_filter_is_422_and_changes_nothing(client, undelivered):
    world, escalation = undelivered
    for body in ({}, {"reason": ""}, {"reason": "x" * 201}, {"reason": 5}):
        r = client.post(f"/api/v1/notify/undelivered/{escalation.id}/retry", json=body,
                        headers=headers_for(world.alpha.coordinator))
        assert r.status_code == 422, body
        assert "reason" in r.get_json()["error"]["details"]["fields"]
    row = db.session.get(Notification, escalation.id)
    assert (row.status, row.attempts) == ("uncertain", 1)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    for query in ("?status=sent", "?limit=0", "?cursor=nonsense"):
        r = listing(client, world.alpha.coordinator, query)
        assert r.status_code == 422, query
