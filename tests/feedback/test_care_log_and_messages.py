"""The family's care log (tasks done, outcome progress, shareable notes, where the client agrees) and families'
messages to the provider's office, with who may read each."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.feedback.models import FamilyMessage
from server.notify.models import Notification
from tests.dbstate import count, snapshot
from tests.factories import HOME
from tests.sessions import headers_for

LOG = "/api/v1/clients/{}/care-log?date_from=2026-11-23&date_to=2026-11-29"


def event(client, who, visit, kind, at, **extra):
    body = {"idempotency_key": str(uuid.uuid4()), "kind": kind, "device_time": at.isoformat(),
            "lat": HOME[0], "lon": HOME[1], "accuracy_m": 10.0, **extra}
    return client.post(f"/api/v1/visits/{visit.id}/events", json=body, headers=headers_for(who))


@pytest.fixture
def delivered(client, world):
    """Alpha's first visit delivered: a task ticked, progress scored, one note shared and one kept private."""
    a, start = world.alpha, world.start
    carer = a.worker_users[0]
    visit = a.visits[0]
    for kind, minutes, extra in (
            ("check_in", 0, {}), ("task_done", 5, {"task": "Breakfast"}),
            ("outcome_progress", 10, {"outcome_id": a.outcomes[0].id, "score": 4, "comment": "Walked to the gate"}),
            ("note", 12, {"text": "Enjoyed talking about the garden", "shareable": True}),
            ("note", 13, {"text": "Bruise on left arm, told the office"}),
            ("check_out", 30, {})):
        r = event(client, carer, visit, kind, start + timedelta(minutes=minutes), **extra)
        assert r.status_code == 201, r.get_json()
    return world


def test_family_reads_tasks_progress_and_only_shared_notes_once_the_client_agrees(client, delivered):
    a = delivered.alpha
    url = LOG.format(a.clients[0].id)
    refused = client.get(url, headers=headers_for(a.family))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "care_log_not_shared"
    # The office sees what the family would, consent or not.
    assert client.get(url, headers=headers_for(a.coordinator)).status_code == 200

    r = client.patch(f"/api/v1/clients/{a.clients[0].id}", json={"share_care_log_with_family": True},
                     headers=headers_for(a.admin))
    assert r.status_code == 200 and r.get_json()["share_care_log_with_family"] is True
    log = client.get(url, headers=headers_for(a.family)).get_json()
    [entry] = log["visits"]
    assert entry["visit_id"] == a.visits[0].id and entry["status"] == "completed"
    assert entry["tasks"] == [{"task": "Breakfast", "done": True}, {"task": "Medication", "done": False}]
    assert [(o["title"], o["score"]) for o in entry["outcomes"]] == [("I can get to the shops", 4)]
    assert "comment" not in entry["outcomes"][0]
    assert [(n["text"], n["carer"]) for n in entry["notes"]] == [("Enjoyed talking about the garden", "Alpha Worker 1")]
    assert entry["carers"] == ["Alpha Worker 1"]


def test_visits_nobody_came_to_are_not_in_the_log(client, delivered):
    a = delivered.alpha
    a.clients[0].share_care_log_with_family = True
    a.visits[0].status = "missed"
    db.session.commit()
    log = client.get(LOG.format(a.clients[0].id), headers=headers_for(a.family)).get_json()
    assert log["visits"] == []


def test_another_family_never_sees_the_log(client, delivered):
    a = delivered.alpha
    a.clients[0].share_care_log_with_family = True
    db.session.commit()
    for outsider in (delivered.beta.family, delivered.gamma.family, delivered.beta.coordinator):
        assert client.get(LOG.format(a.clients[0].id), headers=headers_for(outsider)).status_code == 404
    assert client.get(LOG.format(a.clients[0].id), headers=headers_for(delivered.officer)).status_code == 403


@pytest.mark.parametrize("query, field", [
    ("date_from=2026-11-29&date_to=2026-11-23", "date_to"),
    ("date_from=2026-01-01&date_to=2026-12-31", "date_to"),
    ("date_from=yesterday&date_to=2026-11-29", "date_from"),
])
def test_care_log_bad_dates_are_422(client, world, query, field):
    r = client.get(f"/api/v1/clients/{world.alpha.clients[0].id}/care-log?{query}",
                   headers=headers_for(world.alpha.coordinator))
    assert r.status_code == 422 and field in r.get_json()["error"]["details"]["fields"]


def test_only_a_note_can_be_shared(client, world):
    before = snapshot()
    r = event(client, world.alpha.worker_users[0], world.alpha.visits[0], "check_in", world.start, shareable=True)
    assert r.status_code == 422 and "shareable" in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_family_message_reaches_only_their_providers_coordinators(client, world):
    a = world.alpha
    r = client.post("/api/v1/family-messages", json={"client_id": a.clients[0].id, "body": "  Mum is in hospital  "},
                    headers=headers_for(a.family))
    assert r.status_code == 201, r.get_json()
    sent = r.get_json()
    assert (sent["body"], sent["client_name"], sent["provider_id"]) == ("Mum is in hospital", a.clients[0].name,
                                                                        a.provider.id)
    told = db.session.scalars(select(Notification).where(Notification.kind == "family_message")).all()
    assert [(n.channel, n.recipient) for n in told] == [("email", a.coordinator.email)]
    assert "Mum is in hospital" not in told[0].body  # the words stay in Caremon

    inbox = client.get("/api/v1/family-messages", headers=headers_for(a.coordinator)).get_json()
    assert [m["id"] for m in inbox] == [sent["id"]] and inbox[0]["author_name"] == a.family.name
    for outsider in (world.beta.coordinator, world.gamma.admin):
        assert client.get("/api/v1/family-messages", headers=headers_for(outsider)).get_json() == []
        r = client.post(f"/api/v1/family-messages/{sent['id']}/read", headers=headers_for(outsider))
        assert r.status_code == 404
    assert [m["id"] for m in client.get("/api/v1/family-messages", headers=headers_for(a.family)).get_json()] == \
        [sent["id"]]
    assert client.get("/api/v1/family-messages", headers=headers_for(world.beta.family)).get_json() == []

    read = client.post(f"/api/v1/family-messages/{sent['id']}/read", headers=headers_for(a.admin)).get_json()
    assert read["read_by"] == a.admin.id
    again = client.post(f"/api/v1/family-messages/{sent['id']}/read", headers=headers_for(a.coordinator)).get_json()
    assert (again["read_by"], again["read_at"]) == (a.admin.id, read["read_at"])
    unread = client.get("/api/v1/family-messages?unread=true", headers=headers_for(a.coordinator)).get_json()
    assert unread == []


@pytest.mark.parametrize("body, field", [
    ({"client_id": None, "body": "Hello"}, "client_id"), ({"body": "Hello"}, "client_id"),
    ({"client_id": 1, "body": "   "}, "body"), ({"client_id": 1, "body": "x" * 2001}, "body"),
    ({"client_id": 1}, "body"), ({"client_id": 1, "body": "Hi", "urgent": True}, "urgent"),
])
def test_bad_family_message_is_422_and_writes_nothing(client, world, body, field):
    if body.get("client_id") == 1:
        body = {**body, "client_id": world.alpha.clients[0].id}
    before = snapshot()
    r = client.post("/api/v1/family-messages", json=body, headers=headers_for(world.alpha.family))
    assert r.status_code == 422 and field in r.get_json()["error"]["details"]["fields"], r.get_json()
    assert snapshot() == before
    assert count(FamilyMessage) == 0
