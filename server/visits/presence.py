"""The verdict on a carer's presence at the door, whichever way it was shown.

A fix is judged by the geofence (visits/geofence.py). A tag in the home, whether its QR code was
scanned, its NFC sticker tapped, its code typed or texted, is judged by tags/issuing.py: this
home's live tag is "verified" with or without a fix; another home's tag, a revoked one or a forged
payload is "invalid". Scans made offline are judged here when they arrive, against the tag as it
stood when the scan was made.
"""
from __future__ import annotations

from datetime import datetime

from server.tags.issuing import tag_verdict


def presence_verdict(client_id: int, method: str, data: dict, geofence: str, at: datetime) -> tuple[str, str | None]:
    """(verdict, why it is invalid or None)."""
    if method == "gps":
        return geofence, None
    if method in ("qr", "nfc"):
        return tag_verdict(client_id, payload=data["tag"], at=at)
    return tag_verdict(client_id, code=data["code"], at=at)
