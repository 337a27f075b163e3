"""Running a feed batch one item at a time, each in its own savepoint, as the phones' sync does.

Whatever goes wrong with one item is that item's answer; only a failing database fails the batch,
since then nothing is settled and sending the batch again is right.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from marshmallow import Schema, ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError

from server.errors import ApiError
from server.extensions import db
from server.feed.models import UpsertStatus
from server.i18n import _

log = logging.getLogger("caremon.feed")


def run(items: list, schema: Schema, store: Callable[[dict], dict], key_field: str) -> list[dict]:
    """store takes one loaded item and returns its answer; a refused item is answered with its error."""
    return [_one(item, schema, store, key_field) for item in items]


def _one(item, schema: Schema, store: Callable[[dict], dict], key_field: str) -> dict:
    key = item.get(key_field) if isinstance(item, dict) else None
    try:
        with db.session.begin_nested():
            return store(schema.load(item))
    except ValidationError as exc:
        return rejected(key_field, key, ApiError(422, "validation_error", _("Invalid input"), {"fields": exc.messages}))
    except ApiError as exc:
        return rejected(key_field, key, exc)
    except IntegrityError:
        # Another request stored the same reference at the same moment: this item is settled by sending it again.
        return rejected(key_field, key, ApiError(409, "conflict", _("Stored by another request at the same moment; "
                                                 "send the item again")))
    except OperationalError:
        raise
    except Exception:
        # The savepoint is rolled back, so nothing of the item stays; the log keeps its key to trace it by.
        log.exception("feed item %r refused after an unexpected error", key)
        return rejected(key_field, key, ApiError(500, "internal_error", _("The server could not store this item")))


def rejected(key_field: str, key, exc: ApiError) -> dict:
    return {key_field: key if isinstance(key, str) else None, "status": UpsertStatus.REJECTED,
            "error": {"code": exc.code, "message": exc.message, "details": exc.details}}
