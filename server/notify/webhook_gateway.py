"""An SMS gateway spoken to over signed HTTPS webhooks, both ways.

Outbound, each text is POSTed as JSON {"to", "text"} to `sms_webhook_url`; inbound, the gateway
POSTs each text it received as JSON {"message_id", "from", "text"} to /api/v1/sms/inbound. Both
carry X-Caremon-Signature: the hex HMAC-SHA256 of the raw body under `sms_webhook_secret`, so
neither side acts on a body the other did not sign. Select it with
sms_gateway = "server.notify.webhook_gateway.WebhookSmsGateway".
"""
from __future__ import annotations

import hashlib
import hmac
import json

import requests

from server.notify.inbound import InboundText, SignatureRefused

SIGNATURE_HEADER = "X-Caremon-Signature"


def signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookSmsGateway:
    def __init__(self, settings: dict):
        self.url, self.secret = settings["sms_webhook_url"], settings["sms_webhook_secret"]

    def send(self, to: str, text: str) -> None:
        body = json.dumps({"to": to, "text": text}).encode()
        response = requests.post(self.url, data=body, timeout=20, allow_redirects=False, headers={
            "Content-Type": "application/json", SIGNATURE_HEADER: signature(self.secret, body)})
        response.raise_for_status()

    def inbound(self, headers, body: bytes) -> InboundText:
        given = headers.get(SIGNATURE_HEADER, "")
        # No secret set: nothing can be signed, so nothing is taken.
        if not self.secret or not hmac.compare_digest(given, signature(self.secret, body)):
            raise SignatureRefused("bad or missing signature")
        try:
            data = json.loads(body)
            return InboundText(str(data["message_id"]), str(data["from"]), str(data["text"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise SignatureRefused("signed, but not a text this gateway sends") from exc
