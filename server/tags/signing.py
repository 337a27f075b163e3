"""A tag's payload: signed with a key of its own client's, so it proves nothing at any other home.

The payload names the tag and its version; itsdangerous signs it with the app's secret, salted
with the client's id, so a payload copied from one home fails the signature at every other, and a
changed byte fails everywhere. Revoking is kept on the tag's row, not in the payload: a revoked
tag's signature still holds, and the row says no.
"""
from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

# Marks a Caremon tag among whatever else a QR code or NFC sticker may hold.
PREFIX = "CMT1."


def _serializer(secret: str, client_id: int) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=f"caremon.client-tag.{client_id}")


def sign(secret: str, client_id: int, tag_id: int, version: int) -> str:
    return PREFIX + _serializer(secret, client_id).dumps({"t": tag_id, "v": version})


def read(secret: str, client_id: int, payload: str) -> tuple[int, int] | None:
    """(tag id, version) if the payload was signed for this client, else None."""
    if not payload.startswith(PREFIX):
        return None
    try:
        data = _serializer(secret, client_id).loads(payload[len(PREFIX):])
    except BadSignature:
        return None
    if not isinstance(data, dict) or type(data.get("t")) is not int or type(data.get("v")) is not int:
        return None
    return data["t"], data["v"]
