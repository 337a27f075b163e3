"""Client-made idempotency keys: a retry is answered with what was stored, a reuse is refused."""
from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from typing import TypeVar

from sqlalchemy import bindparam, select

from server.errors import ApiError
from server.extensions import db
from server.i18n import _
from server.unique import insert_unless_taken

Row = TypeVar("Row")
# Per model, what a batch's keys were found to hold when it was looked up whole: the record, or None for a new key.
_looked_up: ContextVar[dict[type, dict[str, object]] | None] = ContextVar("idempotency_looked_up", default=None)
# The new records a batch added for its own flush to insert together (inserts_deferred), or None outside one.
_deferred: ContextVar[list | None] = ContextVar("idempotency_deferred", default=None)


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


def store_once(model: type[Row], key: str, payload_hash: str, build: Callable[[], dict]) -> tuple[Row, bool]:
    """The record stored under a client's key, or a new one: (record, created); the caller commits.

    A retry gets the stored record (check_replay), whatever is judged of its content today. A new key's
    build() checks the content and returns the new record's column values; they are inserted unless a
    concurrent request stored the same key between our read and the insert (then that request's record is
    the answer, as for a retry). Within keys_looked_up a key is known (or read) before building; a lone one,
    almost always new, is built and inserted first and read only if it turns out taken or its content is
    refused: a phone's check-in saves a round trip.
    """
    known = (_looked_up.get() or {}).get(model)
    if known is None:
        try:
            values = build()
        except ApiError:
            existing = _stored(model, key)
            if existing is None:
                raise
            return check_replay(existing, payload_hash), False
    else:
        existing = known.pop(key) if key in known else _stored(model, key)
        if existing is not None:
            return check_replay(existing, payload_hash), False
        values = build()
    deferred = _deferred.get()
    if deferred is not None:
        record = model(**values)
        db.session.add(record)
        deferred.append(record)
        return record, True
    record = insert_unless_taken(model, values)
    if record is not None:
        return record, True
    return check_replay(_stored(model, key), payload_hash), False


@contextmanager
def keys_looked_up(keys: dict[type, Iterable]) -> Iterator[None]:
    """Within it, store_once finds these keys' records (or their absence) as one query per model found them.

    A key is answered from the lookup only once: after that the item may have stored it, or rolled back what it
    stored, so a key that comes again in the same batch is read from the database, as is one never looked up.
    """
    known = {}
    for model, given in keys.items():
        wanted = {k for k in map(_canonical, given) if k is not None}
        found = db.session.scalars(select(model).where(model.idempotency_key.in_(wanted))).all() if wanted else ()
        known[model] = dict.fromkeys(wanted) | {row.idempotency_key: row for row in found}
    token = _looked_up.set(known)
    try:
        yield
    finally:
        _looked_up.reset(token)


@contextmanager
def inserts_deferred() -> Iterator[list]:
    """Within it, store_once adds a new key's record without inserting it, and lists it in what this yields.

    A batch's records then go in with one flush instead of a savepoint and an insert each. The caller settles
    what the deferral leaves open: an item that fails after adding its record cannot be undone alone, and a
    key that a racing request stored meanwhile fails the flush; in both cases the caller rolls back and stores
    again the usual way. A key that comes twice is still a retry: reading it flushes the first one.
    """
    added = []
    token = _deferred.set(added)
    try:
        yield added
    finally:
        _deferred.reset(token)


def _canonical(key) -> str | None:
    """A key as the schemas store it (a UUID's text), or None for one they would refuse."""
    try:
        return str(uuid.UUID(key)) if isinstance(key, str) else None
    except ValueError:
        return None


def _stored(model, key: str):
    return db.session.scalar(_by_key(model), {"key": key})


@cache
def _by_key(model):
    """Built once per model: a phone's every event is looked up by its key."""
    return select(model).where(model.idempotency_key == bindparam("key"))
