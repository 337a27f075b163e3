"""Texts from workers: signed by the gateway or refused whole, stored once per message id, answered by SMS."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.notify.models import Notification
from server.notify.webhook_gateway import SIGNATURE_HEADER, signature
from server.sms.models import InboundSms
from server.visits.models import Visit, VisitEvent
from tests.builders import issue
from tests.sessions import headers_for

SECRET = "gateway-shared-secret"
PHONE = "07700 900123"


@pytest.fixture
def gateway(app):
    settings = app.config["CAREMON"]
    saved = {k: settings[k] for k in ("sms_gateway", "sms_webhook_secret")}
    settings.update(sms_gateway="server.notify.webhook_gateway.WebhookSmsGateway", sms_webhook_secret=SECRET)
    yield
    settings.update(saved)


@pytest.fixture
def registered(world):
    """Alpha's first worker has a phone; the visit starts now, as the texts arrive."""
    a = world.alpha
    a.workers[0].phone = PHONE
    a.visits[0].planned_start = datetime.now(UTC)
    db.session.commit()
    db.session.refresh(a.visits[0])
    return a


def text(client, body, message_id="SM1", sender="+447700900123", secret=SECRET):
    raw = json.dumps({"message_id": message_id, "from": sender, "text": body}).encode()
    return client.post("/api/v1/sms/inbound", data=raw, content_type="application/json",
                       headers={SIGNATURE_HEADER: signature(secret, raw)})


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_in_and_out_by_text_check_in_and_out_and_are_answered(client, world, gateway, registered):
    code = issue(client, world, registered.clients[0])["code"]
    r = text(client, f"in {code}")
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["outcome"], r.get_json()["duplicate"]) == ("recorded", False)
    assert r.get_json()["reply"].startswith("Checked in at ")
    r = text(client, f"OUT {code[:3]} {code[3:]}", message_id="SM2")
    assert r.get_json()["outcome"] == "recorded"
    events = db.session.scalars(select(VisitEvent).order_by(VisitEvent.id)).all()
    assert [(e.kind, e.method, e.verdict) for e in events] == [
        ("check_in", "sms", "verified"),
        ("check_out", "sms", "verified"),
    ]
    assert db.session.get(Visit, registered.visits[0].id).status == "completed"
    replies = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(n.channel, n.recipient, n.kind) for n in replies] == [("sms", "+447700900123", "sms_reply")] * 2


def test_a_bad_signature_is_401_and_stores_nothing(client, world, gateway, registered):
    code = issue(client, world, registered.clients[0])["code"]
    for r in (text(client, f"IN {code}", secret="wrong"),
              client.post("/api/v1/sms/inbound", json={"message_id": "x", "from": PHONE, "text": f"IN {code}"})):
        assert (r.status_code, r.get_json()["error"]["code"]) == (401, "bad_signature")
    assert (count(InboundSms), count(VisitEvent), count(Notification)) == (0, 0, 0)


def test_a_redelivered_text_is_stored_once_and_answered_once(client, world, gateway, registered):
    code = issue(client, world, registered.clients[0])["code"]
    first, again = text(client, f"IN {code}"), text(client, f"IN {code}")
    assert again.get_json() == {**first.get_json(), "duplicate": True}
    assert (count(InboundSms), count(VisitEvent), count(Notification)) == (1, 1, 1)


def test_a_revoked_code_is_recorded_as_tag_invalid(client, world, gateway, registered):
    home = registered.clients[0]
    old = issue(client, world, home)
    client.post(f"/api/v1/clients/{home.id}/tags/{old['id']}/revoke", headers=headers_for(registered.coordinator))
    r = text(client, f"IN {old['code']}")
    assert r.get_json()["outcome"] == "recorded" and "no longer valid" in r.get_json()["reply"]
    assert db.session.scalar(select(VisitEvent.verdict)) == "invalid"
    assert "tag_invalid" in db.session.get(Visit, registered.visits[0].id).flags


def test_texts_that_cannot_be_acted_on_are_kept_and_answered(client, world, gateway, registered):
    code = issue(client, world, registered.clients[0])["code"]
    other = "999999" if code != "999999" else "888888"
    cases = [("SM1", "+447700900999", f"IN {code}", "unknown_sender"), ("SM2", PHONE, "hello", "not_understood"),
             ("SM3", PHONE, f"IN {other}", "unknown_code"), ("SM4", PHONE, f"OUT {code}", "no_visit")]
    for message_id, sender, body, outcome in cases:
        assert text(client, body, message_id=message_id, sender=sender).get_json()["outcome"] == outcome
    assert (count(InboundSms), count(VisitEvent), count(Notification)) == (4, 0, 4)


def test_another_providers_home_code_checks_nobody_in(client, world, gateway, registered):
    """A Beta worker texting the code of Alpha's home: the code is looked up among Beta's homes only."""
    code = issue(client, world, registered.clients[0])["code"]
    registered.workers[0].phone = None
    world.beta.workers[0].phone = PHONE
    db.session.commit()
    assert text(client, f"IN {code}").get_json()["outcome"] == "unknown_code"
    assert count(VisitEvent) == 0


def test_a_visit_planned_far_from_the_text_is_not_checked_into(client, world, gateway, registered):
    code = issue(client, world, registered.clients[0])["code"]
    registered.visits[0].planned_start = world.start - timedelta(days=30)
    db.session.commit()
    assert text(client, f"IN {code}").get_json()["outcome"] == "no_visit"


def test_without_an_inbound_gateway_texts_are_not_taken(client, world, registered):
    r = text(client, "IN 123456")
    assert (r.status_code, r.get_json()["error"]["code"]) == (403, "sms_inbound_disabled")
    assert count(InboundSms) == 0
