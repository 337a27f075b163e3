"""Web Push cannot be aimed inside the network: endpoints are https on public hosts, at registration and at send."""
from __future__ import annotations

import base64
import os
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select

from server.extensions import db
from server.notify import channels
from server.notify.channels import PushChannel
from server.notify.models import Notification, PushSubscription
from server.notify.sender import drain
from tests.sessions import headers_for

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KEYS = {"p256dh": "B" + "x" * 86, "auth": "y" * 22}
URL = "/api/v1/notify/push-subscriptions"


def subscribe(client, user, endpoint: str, keys: dict = KEYS):
    return client.post(URL, json={"endpoint": endpoint, "keys": keys}, headers=headers_for(user))


def subscriptions() -> int:
    return db.session.scalar(select(func.count()).select_from(PushSubscription))


def test_a_public_https_push_service_is_accepted(client, world, push_dns):
    r = subscribe(client, world.alpha.family, "https://push.example.net/send/abc")
    assert r.status_code == 201, r.get_json()
    assert subscriptions() == 1


@pytest.mark.parametrize("addresses", [
    ["127.0.0.1"], ["::1"],                                    # loopback
    ["10.0.0.5"], ["192.168.1.20"], ["172.16.0.9"], ["fd00::5"],  # private
    ["169.254.169.254"], ["fe80::1"],                          # link-local (a cloud metadata service)
    ["224.0.0.1"], ["ff02::1"],                                # multicast
    ["240.0.0.1"], ["0.0.0.0"], ["100.64.0.1"],                # reserved, unspecified, carrier NAT
    ["::ffff:10.0.0.1"], ["2002:7f00:1::1"],                   # a private IPv4 address inside IPv6
    ["93.184.215.14", "10.0.0.5"],                             # one public address is not enough
], ids=str)
def test_a_host_resolving_inside_the_network_is_422_and_stores_nothing(client, world, push_dns, addresses):
    push_dns["push.attacker.example"] = addresses
    r = subscribe(client, world.alpha.family, "https://push.attacker.example/x")
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == "push_endpoint_not_public"
    assert "not public" in error["details"]["fields"]["endpoint"][0]
    assert subscriptions() == 0


def test_address_literals_plain_http_and_unknown_hosts_are_refused(client, world, push_dns):
    fam = world.alpha.family
    assert subscribe(client, fam, "https://127.0.0.1:8080/admin").get_json()["error"]["code"] == \
        "push_endpoint_not_public"
    assert subscribe(client, fam, "https://[::1]/x").get_json()["error"]["code"] == "push_endpoint_not_public"
    r = subscribe(client, fam, "http://push.example.net/send/abc")
    assert r.status_code == 422 and "endpoint" in r.get_json()["error"]["details"]["fields"]
    r = subscribe(client, fam, "https://nowhere.invalid/x")
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "push_endpoint_unresolvable")
    assert subscriptions() == 0


def test_another_users_endpoint_cannot_be_taken_over(client, world, push_dns):
    endpoint = "https://push.example.net/send/alpha-family"
    assert subscribe(client, world.alpha.family, endpoint).status_code == 201
    other_keys = {"p256dh": "B" + "z" * 86, "auth": "w" * 22}
    r = subscribe(client, world.beta.family, endpoint, other_keys)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "push_endpoint_taken")
    sub = db.session.scalar(select(PushSubscription))
    assert (sub.user_id, sub.p256dh, sub.auth) == (world.alpha.family.id, KEYS["p256dh"], KEYS["auth"])
    # The owner renews their own keys on the same endpoint.
    assert subscribe(client, world.alpha.family, endpoint, other_keys).status_code == 201
    db.session.expire_all()
    assert subscriptions() == 1 and db.session.scalar(select(PushSubscription.auth)) == other_keys["auth"]


def browser_keys() -> dict:
    public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {name: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
            for name, raw in (("p256dh", public), ("auth", os.urandom(16)))}


def queued_push(user) -> tuple[PushSubscription, Notification]:
    sub = PushSubscription(user_id=user.id, endpoint="https://push.example.net/send/1", **browser_keys())
    db.session.add(sub)
    db.session.flush()
    row = Notification(dedupe_key="k1", channel="push", recipient=str(sub.id), kind="delay", subject="Late",
                       body="Running late", next_attempt_at=NOW)
    db.session.add(row)
    db.session.commit()
    return sub, row


def test_a_host_that_moved_inside_the_network_since_registration_fails_without_a_request(
        app, world, push_dns, monkeypatch):
    calls = []
    monkeypatch.setattr(channels, "webpush", lambda *args, **kwargs: calls.append(args))
    _sub, row = queued_push(world.alpha.family)
    push_dns["push.example.net"] = ["169.254.169.254"]
    assert drain({"push": PushChannel("mailto:ops@caremon.test")}, NOW)["failed"] == 1
    assert calls == []
    row = db.session.get(Notification, row.id)
    assert (row.status, row.attempts) == ("failed", 1)  # at once: no retry would make it public
    assert "not public" in row.last_error


def test_a_push_service_answering_with_a_redirect_is_not_followed(app, world):
    hits = []

    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self):
            hits.append(self.path)
            self.send_response(307)
            self.send_header("Location", "/internal-admin")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _sub, row = queued_push(world.alpha.family)
    db.session.get(PushSubscription, _sub.id).endpoint = f"http://127.0.0.1:{server.server_port}/push/1"
    db.session.commit()
    try:
        # The local server stands in for a public push service, so the public-host check is left out here.
        drain({"push": PushChannel("mailto:ops@caremon.test", check_endpoint=lambda _url: None)}, NOW)
    finally:
        server.shutdown()
    assert hits == ["/push/1"]
    row = db.session.get(Notification, row.id)
    assert row.status == "pending" and "redirect" in row.last_error.lower()
