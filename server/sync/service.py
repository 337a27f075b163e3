"""Storing a device's batch: each item lands once, or is refused with its reason.

Whatever goes wrong with one item is that item's answer, never the batch's: a batch that fails
as a whole is sent again and again, so one bad item would keep every item queued behind it on
the phone for good. Only a failing database fails the batch, since then nothing is settled and a
retry is right.

A batch's events are stored together: what they read (their visits, keys, open exceptions, ticked
tasks) is looked up in one query each, each event is judged in memory in the order sent, and one
flush inserts them all and updates their visits. An event is refused before it changes anything, so
it needs no savepoint of its own. If one fails after it changed something, or a racing request stored
one of the keys first (the flush fails on the unique key), the batch is rolled back and stored again
alone: item by item, each in its savepoint, as activities and doses always are. That is always right,
only slower.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError

from device_sync.clock import measured_offset_s
from device_sync.protocol import ACCEPTED, DUPLICATE, REJECTED
from server.auth.tenancy import Identity
from server.errors import ApiError, invalid
from server.extensions import db
from server.i18n import _
from server.medication.recording import record_dose, record_effect_once
from server.medication.schemas import DoseEffectItemSchema, DoseInSchema
from server.visits.activities import log_activity
from server.visits.idempotency import inserts_deferred, keys_looked_up
from server.visits.looked_up import visits_looked_up
from server.visits.models import NonContactActivity, Visit, VisitEvent
from server.visits.schemas import ActivityInSchema, EventInSchema
from server.visits.service import open_exception, record_event, visits_for_worker
from server.visits.tenancy import get_client
from server.webhooks.publish import hooks_read_once

# An event whose device time is later than the device's own clock when the batch left.
AFTER_SENT = "device_time_after_sent"
log = logging.getLogger("caremon.sync")
# Made once: a schema costs more to build than to load one item with.
EVENT_IN, ACTIVITY_IN, DOSE_IN, DOSE_EFFECT_IN = EventInSchema(), ActivityInSchema(), DoseInSchema(), DoseEffectItemSchema()


class _StoreAlone(Exception):
    """The batch cannot be stored together: roll it back and store it item by item."""


def store_batch(ident: Identity, envelope: dict, now: datetime, skew_threshold_s: float) -> dict:
    """One flush for the batch when it can, one savepoint per item when it must; the caller commits."""
    offset = measured_offset_s(envelope["sent_at"], now)
    items, args = envelope["items"], (ident, now, envelope["sent_at"], offset, skew_threshold_s)
    try:
        with db.session.begin_nested():
            results = _store_together(items, args)
    except OperationalError:
        raise
    except (_StoreAlone, DBAPIError):  # DBAPIError: the last flush failed, as on a key a racing request stored
        results = _store_alone(items, args)
    return {"server_time": now, "clock_offset_s": offset, "results": results}


def _store_together(items: list[dict], args: tuple) -> list[dict]:
    with _read_once(items, args[0]) as visits, visits_looked_up(v.id for v in visits), hooks_read_once():
        stored = [_store_item(item, *args, together=True) for item in items]
        db.session.flush()  # the events' ids, for the answers
    return [_answer(s) for s in stored]


def _store_alone(items: list[dict], args: tuple) -> list[dict]:
    with _read_once(items, args[0]):
        return [_answer(_store_item(item, *args, together=False)) for item in items]


@contextmanager
def _read_once(items: list[dict], ident: Identity) -> Iterator[list[Visit]]:
    """The batch's visits, and every event's and activity's key, each looked up in one query, not one per item.

    The visits are held until every item is stored: the session keeps only what something refers to, so
    otherwise each of a visit's events would load it again.
    """
    visits = visits_for_worker({i["visit_id"] for i in items if _is_id(i.get("visit_id"))}, ident.worker_id)
    with keys_looked_up({model: [i.get("idempotency_key") for i in items if i.get("type") == kind]
                         for model, kind in ((VisitEvent, "visit_event"), (NonContactActivity, "activity"))}):
        yield visits


def _store_item(item: dict, ident: Identity, now: datetime, sent_at: datetime, offset: float,
                skew_threshold_s: float, together: bool) -> tuple | dict:
    """(record, created), or the item's refusal."""
    key = item.get("idempotency_key")
    try:
        with _held_for_flush() if together and item.get("type") == "visit_event" else db.session.begin_nested():
            _refuse_nul(item)
            record, created = _store(ident, item, now, offset, skew_threshold_s)
            if created and isinstance(record, VisitEvent):
                _check_after_sent(record, sent_at, now, skew_threshold_s)
    except ValidationError as exc:
        return _rejected(key, ApiError(422, "validation_error", _("Invalid input"), {"fields": exc.messages}))
    except ApiError as exc:
        return _rejected(key, exc)
    except OperationalError:
        raise  # the database is down or gave up on a lock: no item is settled, and the device retries the batch
    except _StoreAlone:
        raise
    except Exception as exc:
        if together and isinstance(exc, DBAPIError):  # a flush of the events before it failed: not its fault
            raise _StoreAlone from exc
        # Nothing of the item stays (its savepoint is rolled back, or it had changed nothing); the log keeps the
        # key to trace it by.
        log.exception("sync item %r (%r) from worker %s refused after an unexpected error",
                      key, item.get("type"), ident.worker_id)
        return _rejected(key, ApiError(500, "internal_error", _("The server could not store this item")))
    return record, created


@contextmanager
def _held_for_flush() -> Iterator[None]:
    """An event stored without a savepoint: its insert waits for the batch's flush.

    Refused, it has changed nothing. Failing after it changed something, only a savepoint of its own can undo
    that, so the batch is stored alone.
    """
    with inserts_deferred() as added:
        try:
            yield
        except OperationalError:
            raise
        except Exception as exc:
            if added:
                raise _StoreAlone from exc
            raise


def _answer(stored: tuple | dict) -> dict:
    if isinstance(stored, dict):
        return stored
    record, created = stored
    return {"idempotency_key": record.idempotency_key, "status": ACCEPTED if created else DUPLICATE,
            "id": record.id, "flags": list(getattr(record, "flags", None) or [])}


def _store(ident: Identity, item: dict, now: datetime, offset: float, skew_threshold_s: float):
    body = {k: v for k, v in item.items() if k not in ("type", "visit_id", "client_id")}
    kind = item.get("type")
    if kind == "visit_event":
        visit_id = _item_id(item, "visit_id")
        data = EVENT_IN.load(body)
        return record_event(worker_id=ident.worker_id, visit_id=visit_id, data=data, now=now,
                            clock_offset_s=offset, skew_threshold_s=skew_threshold_s)
    if kind == "activity":
        client = get_client(ident, _item_id(item, "client_id"))
        return log_activity(ident, client, ACTIVITY_IN.load(body), now)
    if kind == "dose":
        return record_dose(worker_id=ident.worker_id, visit_id=_item_id(item, "visit_id"),
                           data=DOSE_IN.load(body), now=now, clock_offset_s=offset)
    if kind == "dose_effect":
        return record_effect_once(worker_id=ident.worker_id, visit_id=_item_id(item, "visit_id"),
                                  data=DOSE_EFFECT_IN.load(body), now=now)
    raise invalid("type", _("Must be visit_event, activity, dose or dose_effect"))


def _check_after_sent(event: VisitEvent, sent_at: datetime, now: datetime, threshold_s: float) -> None:
    """Flag an event that claims to have happened after the batch carrying it was sent.

    Both times are read off the same device clock, so whatever the measured offset, the
    clock was changed between recording and sending: the event's time cannot be trusted
    and the visit's pay is held (a clock_skew exception) until a coordinator settles it.
    """
    ahead = event.device_time - sent_at
    if ahead <= timedelta(seconds=threshold_s):
        return
    event.flags = [*event.flags, AFTER_SENT]
    open_exception(db.session.get(Visit, event.visit_id), "clock_skew", now, worker_id=event.worker_id,
                   detail=f"{event.kind} device time {ahead.total_seconds():+.0f} s after the batch was sent")


def _refuse_nul(item: dict) -> None:
    """A NUL character is never meant in a text, and PostgreSQL cannot store one."""
    for field, value in item.items():
        if isinstance(value, str) and "\x00" in value:
            raise invalid(field, _("Must not contain a NUL character"))


def _item_id(item: dict, field: str) -> int:
    value = item.get(field)
    if not _is_id(value):
        raise invalid(field, _("Must be a whole number id"))
    return value


def _is_id(value) -> bool:
    return type(value) is int and 0 < value < 2**63


def _rejected(key, exc: ApiError) -> dict:
    return {"idempotency_key": key if isinstance(key, str) else None, "status": REJECTED,
            "error": {"code": exc.code, "message": exc.message, "details": exc.details}}
