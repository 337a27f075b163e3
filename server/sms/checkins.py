"""A worker's text, IN or OUT and the home's code, turned into a check-in or check-out.

The gateway class has already checked the text came through it. The sender is matched to a
worker's registered phone, the code to the home of that worker's provider that holds it, and the
text to the worker's visit there: for IN the nearest planned visit not yet checked into, for OUT
the one still checked into. The event goes through the same path as a phone's (method sms, the
code judged like a typed one, so a revoked code is tag_invalid). The gateway's message id makes a
redelivered text a no-op, and every text is answered by SMS through the outbox.
"""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import phonenumbers
from sqlalchemy import select

from server.directory.models import Worker
from server.extensions import db
from server.notify.inbound import InboundText
from server.notify.models import Channel, Notification
from server.sms.models import InboundSms, SmsOutcome
from server.tags.models import ClientTag
from server.timeutil import to_local
from server.unique import insert_once
from server.visits.models import Visit, VisitAssignment, VisitStatus
from server.visits.service import record_event

COMMAND = re.compile(r"^\s*(IN|OUT)\s+([0-9][0-9 ]{3,10})\s*$", re.IGNORECASE)
# A text checks into a visit planned this close to its arrival, either side.
WINDOW = timedelta(hours=6)
# The event's key comes from the gateway's message id, so however the text is redelivered it is one event.
KEY_NAMESPACE = uuid.UUID("6f1d1c1e-8a53-4c55-9a0e-3c1f5d0b7a21")
HELP = "Text IN or OUT and the code on the label in the home, e.g. IN 482113."


def receive(text: InboundText, now: datetime, region: str) -> tuple[InboundSms, bool]:
    """Store the text once and act on it; (row, created). The caller commits."""
    existing = _by_message_id(text.message_id)
    if existing is not None:
        return existing, False
    row = InboundSms(gateway_message_id=text.message_id[:100], sender=text.sender[:32], body=text.text[:480],
                     received_at=now, **_act(text, now, region))
    if not insert_once(row):  # the gateway redelivered while this one was in flight
        return _by_message_id(text.message_id), False
    insert_once(
        Notification(
            dedupe_key=f"sms_reply:{row.id}",
            channel=Channel.SMS,
            recipient=text.sender,
            kind="sms_reply",
            subject="",
            body=row.reply,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return row, True


def _by_message_id(message_id: str) -> InboundSms | None:
    return db.session.scalar(select(InboundSms).where(InboundSms.gateway_message_id == message_id[:100]))


def _act(text: InboundText, now: datetime, region: str) -> dict:
    workers = _workers_with_phone(text.sender, region)
    if not workers:
        return {"outcome": SmsOutcome.UNKNOWN_SENDER, "reply": "This phone number is not registered with Caremon."}
    command = COMMAND.match(text.text)
    if command is None:
        return {"outcome": SmsOutcome.NOT_UNDERSTOOD, "worker_id": workers[0].id, "reply": HELP}
    kind = "check_in" if command[1].upper() == "IN" else "check_out"
    code = command[2].replace(" ", "")
    found = [(w, tag) for w in workers if (tag := _tag_with_code(w.provider_id, code)) is not None]
    if not found:
        return {
            "outcome": SmsOutcome.UNKNOWN_CODE,
            "worker_id": workers[0].id,
            "reply": f"Code {code} is not known. {HELP}",
        }
    worker, tag = found[0]
    visit = _visit_for(worker.id, tag.client_id, kind, now)
    if visit is None:
        return {"outcome": SmsOutcome.NO_VISIT, "worker_id": worker.id,
                "reply": f"No visit to check {'into' if kind == 'check_in' else 'out of'} at that home now."}
    event, _ = record_event(worker_id=worker.id, visit_id=visit.id, now=now, data={
        "idempotency_key": str(uuid.uuid5(KEY_NAMESPACE, text.message_id)), "kind": kind, "device_time": now,
        "method": "sms", "code": code})
    at = to_local(now, visit.contract.council.timezone)
    said = "Checked in" if kind == "check_in" else "Checked out"
    reply = (f"{said} at {at:%H:%M}." if event.verdict == "verified"
             else f"{said} at {at:%H:%M}, but the code is no longer valid: your coordinator will check this visit.")
    return {"outcome": SmsOutcome.RECORDED, "worker_id": worker.id, "event_id": event.id, "reply": reply}


def _workers_with_phone(sender: str, region: str) -> list[Worker]:
    """Active workers whose registered number is the sender's, however either was written."""
    try:
        number = phonenumbers.parse(sender, region)
    except phonenumbers.NumberParseException:
        return []
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    forms = {sender, national, national.replace(" ", ""),
             *(phonenumbers.format_number(number, f) for f in (phonenumbers.PhoneNumberFormat.E164,
                                                               phonenumbers.PhoneNumberFormat.INTERNATIONAL))}
    return list(db.session.scalars(select(Worker).where(Worker.phone.in_(forms), Worker.active.is_(True))
                                   .order_by(Worker.id)))


def _tag_with_code(provider_id: int, code: str) -> ClientTag | None:
    """Revoked tags too: a code is never reused by the provider, so a revoked one still names its home."""
    return db.session.scalar(select(ClientTag).where(ClientTag.provider_id == provider_id, ClientTag.code == code))


def _visit_for(worker_id: int, client_id: int, kind: str, now: datetime) -> Visit | None:
    stmt = (select(Visit).join(VisitAssignment, VisitAssignment.visit_id == Visit.id)
            .where(VisitAssignment.worker_id == worker_id, VisitAssignment.removed_at.is_(None),
                   Visit.client_id == client_id, Visit.status != VisitStatus.CANCELLED))
    if kind == "check_out":
        stmt = stmt.where(VisitAssignment.checked_in_at.is_not(None), VisitAssignment.checked_out_at.is_(None))
        return db.session.scalar(stmt.order_by(VisitAssignment.checked_in_at.desc()).limit(1))
    candidates = db.session.scalars(stmt.where(VisitAssignment.checked_in_at.is_(None),
                                               Visit.planned_start.between(now - WINDOW, now + WINDOW))).all()
    return min(candidates, key=lambda v: abs(v.planned_start - now), default=None)
