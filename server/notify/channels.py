"""Delivery channels. Each has send(notification) and raises on failure, so the sender can retry.

SMS goes through a gateway interface (SmsGateway below). The `sms_gateway` setting is "log"
(the demo's gateway, which writes to the log) or the dotted import path of a class, e.g.
"mycouncil.sms.AggregatorGateway". That class is constructed with the settings dict, so it
can read its own keys (CAREMON_SMS_API_KEY arrives as settings["sms_api_key"]), and has
`send(to: str, text: str) -> None`, which raises on a message the gateway refused so the
sender retries it.
"""
from __future__ import annotations

import base64
import json
import logging
import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from typing import Protocol

import requests
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02
from pywebpush import webpush
from sqlalchemy import select
from werkzeug.utils import ImportStringError, import_string

from server.extensions import db
from server.notify import endpoints
from server.notify.models import Channel, PushSubscription, VapidKey

log = logging.getLogger("caremon.notify")


class SmsGateway(Protocol):
    def send(self, to: str, text: str) -> None: ...


class LoggingSmsGateway:
    """Notes each text in the log instead of sending it (the outbox keeps the text): for demos and development."""

    def send(self, to: str, text: str) -> None:
        # The number's last digits and the length only: a log is no place for a phone number or a message.
        log.info("SMS to …%s (%d characters)", to[-3:], len(text))


class EmailChannel:
    def __init__(self, host: str, port: int, sender: str):
        self.host, self.port, self.sender = host, port, sender

    def send(self, notification) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, notification.recipient, notification.subject
        message.set_content(notification.body)
        with smtplib.SMTP(self.host, self.port, timeout=20) as smtp:
            smtp.send_message(message)


class SmsChannel:
    def __init__(self, gateway: SmsGateway):
        self.gateway = gateway

    def send(self, notification) -> None:
        self.gateway.send(notification.recipient, notification.body)


class PushChannel:
    """Web Push with VAPID: the payload is encrypted (aes128gcm) for the subscriber's keys.

    The endpoint is checked again before each send (endpoints.check), and a redirect is an error rather
    than a second request, as its target was never checked.
    """

    def __init__(self, subject: str, check_endpoint: Callable[[str], None] = endpoints.check):
        self.subject, self.check_endpoint = subject, check_endpoint

    def send(self, notification) -> None:
        sub = db.session.get(PushSubscription, int(notification.recipient))
        if sub is None:
            return  # unsubscribed since: nothing to deliver to
        self.check_endpoint(sub.endpoint)
        key = vapid_key()
        with requests.Session() as session:
            session.max_redirects = 0
            webpush(
                {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}},
                data=json.dumps({"title": notification.subject, "body": notification.body,
                                 "visit_id": notification.visit_id}),
                vapid_private_key=Vapid02.from_pem(key.private_pem.encode()),
                vapid_claims={"sub": self.subject}, timeout=20, ttl=3600, requests_session=session,
            )


def vapid_key() -> VapidKey:
    """The app's VAPID key pair, generated on first use."""
    key = db.session.scalar(select(VapidKey).order_by(VapidKey.id).limit(1))
    if key is None:
        vapid = Vapid02()
        vapid.generate_keys()
        raw = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        key = VapidKey(private_pem=vapid.private_pem().decode(),
                       public_key=base64.urlsafe_b64encode(raw).rstrip(b"=").decode())
        db.session.add(key)
        db.session.commit()
    return key


def sms_gateway(settings: dict) -> SmsGateway:
    """The configured gateway; a wrong setting stops the scheduler at start, not at the first text."""
    name = settings["sms_gateway"]
    if name == "log":
        return LoggingSmsGateway()
    try:
        gateway = import_string(name)(settings)
    except ImportStringError as exc:
        raise RuntimeError(f"sms_gateway {name!r} cannot be imported: {exc.exception}") from exc
    if not callable(getattr(gateway, "send", None)):
        raise RuntimeError(f"sms_gateway {name!r} has no send(to, text) method")
    return gateway


def channels_from_settings(settings: dict) -> dict:
    return {
        Channel.EMAIL: EmailChannel(settings["smtp_host"], settings["smtp_port"], settings["smtp_from"]),
        Channel.SMS: SmsChannel(sms_gateway(settings)),
        Channel.PUSH: PushChannel(settings["vapid_subject"]),
    }
