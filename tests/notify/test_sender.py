"""The outbox sender over real protocols: SMTP to a local server, Web Push to a local endpoint."""
from __future__ import annotations

import base64
import json
import os
import socket
import threading
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, HTTPServer

import http_ece
import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from server.config import load_settings
from server.extensions import db
from server.notify.channels import EmailChannel, PushChannel
from server.notify.models import Notification, PushSubscription
from server.notify.sender import drain
from tests.notify.fakes import DiesMidSend

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def queued(channel: str, recipient: str, key: str = "k1") -> Notification:
    row = Notification(dedupe_key=key, channel=channel, recipient=recipient, kind="delay", subject="Carer running late",
                       body="Margaret's carer is running late: is now expected about 09:40.", next_attempt_at=NOW)
    db.session.add(row)
    db.session.commit()
    return row


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_email_reaches_a_real_smtp_server_once(app, smtp):
    inbox, port = smtp
    row = queued("email", "daughter@example.org")
    channels = {"email": EmailChannel("127.0.0.1", port, "Caremon <no-reply@caremon.test>")}
    assert drain(channels, NOW)["sent"] == 1
    assert drain(channels, NOW + timedelta(minutes=5))["sent"] == 0
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "daughter@example.org"
    assert message["Subject"] == "Carer running late"
    assert "expected about 09:40" in message.get_payload()
    assert db.session.get(Notification, row.id).status == "sent"


class Broken:
    def __init__(self):
        self.calls = 0

    def send(self, notification):
        self.calls += 1
        raise ConnectionRefusedError("gateway down")


def test_failing_channel_retries_with_backoff_and_loses_nothing(app):
    row = queued("sms", "07700900001")
    broken = Broken()
    for minute in range(0, 16):
        drain({"sms": broken}, NOW + timedelta(minutes=minute), backoff_s=60, max_attempts=4)
    # Attempts at 0, +1, +3 (1+2), +7 (3+4) minutes; the fourth failure is final.
    assert broken.calls == 4
    row = db.session.get(Notification, row.id)
    assert (row.status, row.attempts) == ("failed", 4)
    assert "gateway down" in row.last_error


def test_retry_succeeds_after_an_outage(app, smtp):
    inbox, port = smtp
    row = queued("email", "son@example.org")
    drain({"email": EmailChannel("127.0.0.1", 9, "x@caremon.test")}, NOW, backoff_s=60)  # port 9: refused
    assert db.session.get(Notification, row.id).status == "pending"
    drain({"email": EmailChannel("127.0.0.1", port, "x@caremon.test")}, NOW + timedelta(seconds=30), backoff_s=60)
    assert inbox.messages == []  # not due yet
    drain({"email": EmailChannel("127.0.0.1", port, "x@caremon.test")}, NOW + timedelta(seconds=60), backoff_s=60)
    assert len(inbox.messages) == 1


def test_crash_after_sending_is_never_resent_but_marked_uncertain(app, smtp):
    """The attempt is committed before the channel is called; a crash leaves the row in 'sending'."""
    inbox, port = smtp
    row = queued("email", "daughter@example.org")

    class CrashAfterSend(EmailChannel):
        def send(self, notification):
            super().send(notification)
            raise SystemExit("sender process killed")

    with pytest.raises(SystemExit):
        drain({"email": CrashAfterSend("127.0.0.1", port, "x@caremon.test")}, NOW)
    db.session.rollback()
    assert db.session.get(Notification, row.id).status == "sending"
    working = {"email": EmailChannel("127.0.0.1", port, "x@caremon.test")}
    drain(working, NOW + timedelta(minutes=1))
    assert len(inbox.messages) == 1
    drain(working, NOW + timedelta(minutes=11))
    assert db.session.get(Notification, row.id).status == "uncertain"
    assert len(inbox.messages) == 1


class PushEndpoint(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        PushEndpoint.received.append((dict(self.headers), body))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_web_push_is_encrypted_for_the_subscriber_and_decrypts(app, world):
    server = HTTPServer(("127.0.0.1", 0), PushEndpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    PushEndpoint.received = []
    receiver = ec.generate_private_key(ec.SECP256R1())
    public = receiver.public_key().public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint)
    auth = os.urandom(16)
    b64 = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()  # noqa: E731
    sub = PushSubscription(user_id=world.alpha.family.id, endpoint=f"http://127.0.0.1:{server.server_port}/push/1",
                           p256dh=b64(public), auth=b64(auth))
    db.session.add(sub)
    db.session.commit()
    try:
        queued("push", str(sub.id))
        # The local endpoint stands in for a push service, so the public-host check is left out here.
        channel = PushChannel("mailto:ops@caremon.test", check_endpoint=lambda _url: None)
        assert drain({"push": channel}, NOW)["sent"] == 1
    finally:
        server.shutdown()
    headers, body = PushEndpoint.received[0]
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    payload = json.loads(http_ece.decrypt(body, private_key=receiver, auth_secret=auth, version="aes128gcm"))
    assert payload["title"] == "Carer running late"
    assert "09:40" in payload["body"]
    assert db.session.scalar(select(Notification.status)) == "sent"


class DownFor:
    """A channel that refuses until `until`, recording when each attempt was made."""

    def __init__(self, until):
        self.until, self.attempts, self.sent = until, [], []

    def send(self, notification):
        self.attempts.append(notification.attempted_at)
        if notification.attempted_at < self.until:
            raise ConnectionRefusedError("gateway down")
        self.sent.append(notification.id)


def test_backoff_is_capped_so_a_three_hour_outage_loses_nothing(app):
    settings = load_settings()
    row = queued("sms", "07700900001")
    channel = DownFor(NOW + timedelta(hours=3))
    for minute in range(0, 200):
        drain({"sms": channel}, NOW + timedelta(minutes=minute), max_attempts=settings["notify_max_attempts"],
              backoff_s=settings["notify_backoff_s"], backoff_max_s=settings["notify_backoff_max_s"])
    gaps = [(b - a).total_seconds() for a, b in zip(channel.attempts, channel.attempts[1:])]
    # Doubling from 30 s (drained each minute), then never more than 15 minutes apart.
    assert gaps[:5] == [60, 60, 120, 240, 480]
    assert set(gaps[5:]) == {900}
    assert channel.sent == [row.id]
    row = db.session.get(Notification, row.id)
    assert (row.status, row.attempts) == ("sent", len(channel.attempts))
    assert row.attempts < settings["notify_max_attempts"]


def test_a_crash_mid_drain_leaves_only_the_message_in_flight_unsent(app, smtp):
    """The at-least-once window is the one row being sent: the rest of the batch goes on the next drain."""
    inbox, port = smtp
    first = queued("email", "daughter@example.org", key="k1")
    second = queued("email", "son@example.org", key="k2")

    with pytest.raises(SystemExit):
        drain({"email": DiesMidSend()}, NOW)
    db.session.rollback()
    working = {"email": EmailChannel("127.0.0.1", port, "x@caremon.test")}
    assert drain(working, NOW + timedelta(minutes=1))["sent"] == 1
    assert [m["To"] for m in inbox.messages] == ["son@example.org"]
    drain(working, NOW + timedelta(minutes=11))
    assert db.session.get(Notification, first.id).status == "uncertain"
    assert db.session.get(Notification, second.id).status == "sent"
    assert len(inbox.messages) == 1
