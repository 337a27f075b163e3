"""A real webhook receiver for tests: plain HTTP on an ephemeral loopback port, in a thread, checking each
request's signature with standardwebhooks as a vendor's receiver would, and answering what the test says."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict
    body: bytes
    payload: dict | None  # what Webhook.verify returned; None when the signature did not verify
    error: str | None


class Receiver:
    """Answers each request with the next of `statuses` (then 200 for ever); `secret` checks signatures."""

    def __init__(self):
        self.secret: str | None = None
        self.statuses: list[int] = []
        self.received: list[Received] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = dict(self.headers.items())
                try:
                    payload, error = Webhook(receiver.secret).verify(body, headers), None
                except WebhookVerificationError as exc:
                    payload, error = None, str(exc)
                receiver.received.append(Received(headers, body, payload, error))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/caremon"

    @property
    def verified(self) -> list[dict]:
        return [r.payload for r in self.received if r.payload is not None]

    def events(self) -> list[str]:
        return [p["type"] for p in self.verified]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def verify(secret: str, received: Received) -> dict:
    """Check one recorded request again with another secret (raises WebhookVerificationError)."""
    return Webhook(secret).verify(received.body, received.headers)


def body_of(received: Received) -> dict:
    return json.loads(received.body)
