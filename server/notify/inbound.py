"""What a gateway class hands over for a text it received, once it has checked the gateway signed it.

A gateway that takes texts in has `inbound(headers, body: bytes) -> InboundText`, raising
SignatureRefused for a request its gateway did not sign; each gateway signs its own way.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InboundText:
    message_id: str  # the gateway's own id: a redelivered text carries the same one
    sender: str
    text: str


class SignatureRefused(Exception):
    """The request did not come from the gateway; nothing of it is kept."""
