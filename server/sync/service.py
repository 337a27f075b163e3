"""Storing a device's batch one item at a time: each item lands once, or is refused with its reason.

Whatever goes wrong with one item is that item's answer, never the batch's: a batch that fails
as a whole is sent again and again, so one bad item would keep every item queued behind it on
the phone for good. Only a failing database fails the batch, since then nothing is settled and a
retry is right.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError

from device_sync.clock import measured_offset_s
from device_sync.protocol import ACCEPTED, DUPLICATE, REJECTED
from server.auth.tenancy import Identity
from server.errors import ApiError, invalid
from server.extensions import db
from server.i18n import _
from server.medication.recording import record_dose, record_effect_once
from server.medication.schemas import DoseEffectItemSchema, DoseInSchema
from server.visits.activities import log_activity
from server.visits.idempotency import keys_looked_up
from server.visits.models import NonContactActivity, Visit, VisitEvent
from server.visits.schemas import ActivityInSchema, EventInSchema
from server.visits.service import open_exception, record_event, visits_for_worker
from server.visits.tenancy import get_client

# An event whose device time is later than the device's own clock when the batch left.
AFTER_SENT = "device_time_after_sent"
log = logging.getLogger("caremon.sync")
# Made once: a schema costs more to build than to load one item with.
EVENT_IN, ACTIVITY_IN, DOSE_IN, DOSE_EFFECT_IN = EventInSchema(), ActivityInSchema(), DoseInSchema(), DoseEffectItemSchema()


def store_batch(ident: Identity, envelope: dict, now: datetime, skew_threshold_s: float) -> dict:
    """One savepoint per item, one commit for the batch; the caller commits."""
    offset = measured_offset_s(envelope["sent_at"], now)
    # Loaded in one query and held until every item is stored: the session keeps only what something refers to,
    # so otherwise each of a visit's events would load it again.
    items = envelope["items"]
    visits = visits_for_worker({i["visit_id"] for i in items if _is_id(i.get("visit_id"))}, ident.worker_id)
    # Every event's and activity's key is looked up in one query, not one per item.
    with keys_looked_up({model: [i.get("idempotency_key") for i in items if i.get("type") == kind]
                         for model, kind in ((VisitEvent, "visit_event"), (NonContactActivity, "activity"))}):
        results = [_store_item(ident, item, now, envelope["sent_at"], offset, skew_threshold_s) for item in items]
    del visits
    return {"server_time": now, "clock_offset_s": offset, "results": results}


def _store_item(ident: Identity, item: dict, now: datetime, sent_at: datetime, offset: float,
                skew_threshold_s: float) -> dict:
    key = item.get("idempotency_key")
    try:
        with db.session.begin_nested():
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
    except Exception:
        # The savepoint is rolled back, so nothing of the item stays; the log keeps the key to trace it by.
        log.exception("sync item %r (%r) from worker %s refused after an unexpected error",
                      key, item.get("type"), ident.worker_id)
        return _rejected(key, ApiError(500, "internal_error", _("The server could not store this item")))
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
