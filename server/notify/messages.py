"""What families and on-call staff are told, and the outbox rows that carry it.

Rows are added to the caller's session, so they commit with the state change
that caused them, or not at all.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from server.directory.models import Client, FamilyLink
from server.extensions import db
from server.notify.models import Channel, Notification, PushSubscription
from server.timeutil import to_local, zone
from server.unique import insert_once
from server.visits.models import Visit


def family_text(kind: str, client: Client, *, when: datetime | None, tz: str) -> tuple[str, str]:
    first = client.name.split()[0]
    at = to_local(when, tz).strftime("%H:%M") if when else None
    if kind == "delay":
        expected = f"is now expected about {at}" if at else "we will tell you when they arrive"
        return f"{first}'s carer is running late", f"{first}'s carer is running late: {expected}."
    if kind == "missed":
        return f"{first}'s visit has been missed", (
            f"Nobody has arrived for {first}'s visit planned for {at}. The care provider has been alerted.")
    return f"{first}'s carer has arrived", f"{first}'s carer arrived at {at}."


def _quiet_until(link: FamilyLink, now: datetime, tz: str) -> datetime:
    """The end of the family's quiet hours if now falls inside them, else now."""
    if not (link.quiet_from and link.quiet_to):
        return now
    local = to_local(now, tz)
    start, end = (time.fromisoformat(t) for t in (link.quiet_from, link.quiet_to))
    t = local.time()
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return now
    end_day = local.date() if t < end else local.date() + timedelta(days=1)
    return datetime.combine(end_day, end, zone(tz)).astimezone(now.tzinfo)


def deliverable_at(row: Notification, now: datetime) -> datetime | None:
    """When a queued family message may go, by the relative's wishes as they are now; None if it must not go.

    Wishes can change between queueing and sending (quiet hours moved, opted out, channel dropped),
    and the relative's latest word is the one that counts. Staff messages always go.
    """
    if row.user_id is None or row.visit_id is None:
        return now
    visit = db.session.get(Visit, row.visit_id)
    link = db.session.scalar(select(FamilyLink).where(
        FamilyLink.user_id == row.user_id, FamilyLink.client_id == visit.client_id))
    if link is None or link.opted_out or row.channel not in (link.channels or []):
        return None
    return _quiet_until(link, now, visit.contract.council.timezone)


def _enqueue(row: Notification) -> bool:
    return insert_once(row)  # False: already queued for this event


def told_of_absence(visit_id: int) -> set[int]:
    """Family users already told this visit's carer was late or missing: the ones an arrival concerns."""
    return set(db.session.scalars(select(Notification.user_id).where(
        Notification.visit_id == visit_id, Notification.kind.in_(("delay", "missed")),
        Notification.user_id.is_not(None))))


def notify_family(kind: str, visit, *, when: datetime | None, now: datetime, user_ids: set[int] | None = None) -> int:
    """Queue one message per linked relative (or only those in user_ids) and chosen channel; returns how many were
    new."""
    client = visit.client
    tz = visit.contract.council.timezone
    subject, body = family_text(kind, client, when=when, tz=tz)
    stmt = select(FamilyLink).where(FamilyLink.client_id == client.id, FamilyLink.opted_out.is_(False))
    if user_ids is not None:
        stmt = stmt.where(FamilyLink.user_id.in_(user_ids))
    links = db.session.scalars(stmt).all()
    queued = 0
    for link in links:
        due = _quiet_until(link, now, tz)
        for channel, recipient in _recipients(link):
            queued += _enqueue(Notification(
                dedupe_key=f"{kind}:{visit.id}:{link.id}:{channel}:{recipient}"[:120], channel=channel,
                recipient=recipient, user_id=link.user_id, visit_id=visit.id, kind=kind, subject=subject,
                body=body, next_attempt_at=due, created_at=now))
    return queued


def notify_on_call(alert, provider, now: datetime) -> bool:
    if not provider.on_call_contact:
        return False
    channel = Channel.EMAIL if "@" in provider.on_call_contact else Channel.SMS
    return _enqueue(Notification(
        dedupe_key=f"escalation:{alert.id}", channel=channel, recipient=provider.on_call_contact,
        visit_id=alert.visit_id, kind="escalation", subject="Missed visit not yet acknowledged",
        body=f"A missed visit (visit {alert.visit_id}) has had no acknowledgement since "
             f"{alert.raised_at:%H:%M} UTC. Please check the Caremon alerts list.",
        next_attempt_at=now, created_at=now))


def _recipients(link: FamilyLink):
    for channel in link.channels or []:
        if channel == Channel.EMAIL and link.email:
            yield Channel.EMAIL, link.email
        elif channel == Channel.SMS and link.phone:
            yield Channel.SMS, link.phone
        elif channel == Channel.PUSH:
            for sub in db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == link.user_id)):
                yield Channel.PUSH, str(sub.id)
