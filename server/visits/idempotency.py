"""Client-made idempotency keys: a retry is answered with what was stored, a reuse is refused."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from server.errors import ApiError
from server.i18n import _


def content_hash(content: dict) -> str:
    def default(value):
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(type(value))

    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=default)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_replay(existing, payload_hash: str):
    """Same key and content: the stored record. Same key, other content: 409 and nothing written."""
    if existing.payload_hash != payload_hash:
        raise ApiError(409, "idempotency_conflict",
                       _("This idempotency key was already used for different content"),
                       {"idempotency_key": existing.idempotency_key})
    return existing
