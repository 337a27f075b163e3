"""Client-made idempotency keys: a retry is answered with what was stored, a reuse is refused."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select

from server.errors import ApiError
from server.extensions import db
from server.i18n import _
from server.unique import insert_once

Row = TypeVar("Row")


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


def store_once(model: type[Row], key: str, payload_hash: str, build: Callable[[], Row]) -> tuple[Row, bool]:
    """The record stored under a client's key, or a new one: (record, created); the caller commits.

    A retry gets the stored record (check_replay) and builds nothing, so nothing about it is judged
    again. Only a new key calls build(), which checks the content and makes the record; it is inserted
    unless a concurrent request stored the same key between our read and the insert.
    """
    existing = _stored(model, key)
    if existing is None:
        record = build()
        if insert_once(record):
            return record, True
        existing = _stored(model, key)
    return check_replay(existing, payload_hash), False


def _stored(model, key: str):
    return db.session.scalar(select(model).where(model.idempotency_key == key))
