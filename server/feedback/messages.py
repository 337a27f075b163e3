"""Families' messages to the office of the provider caring for their relative.

A message belongs to the provider caring for the client when it was written; that provider's coordinators
are told through the outbox (email, and Web Push on their subscribed devices) in the same transaction, and
read it in their inbox. The email says who wrote about whom, not what: the words stay in Caremon.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from server.audit.service import record
from server.auth.models import Role, User
from server.auth.tenancy import Identity
from server.directory.models import Client
from server.errors import not_found
from server.extensions import db
from server.feedback.models import FamilyMessage
from server.i18n import _
from server.notify.models import Notification, PushSubscription
from server.unique import insert_once

KIND = "family_message"
MAX_LISTED = 200


def send(ident: Identity, client: Client, body: str, now: datetime) -> FamilyMessage:
    """Store a family member's message and queue word of it to the provider's coordinators; the caller commits."""
    message = FamilyMessage(client_id=client.id, provider_id=client.contract.provider_id, user_id=ident.user_id,
                            body=body, created_at=now)
    db.session.add(message)
    db.session.flush()
    told = _tell_coordinators(message, client, now)
    record("feedback.family_message", "family_message", message.id, user_id=ident.user_id, now=now,
           client_id=client.id, provider_id=message.provider_id, notifications=told)
    return message


def _tell_coordinators(message: FamilyMessage, client: Client, now: datetime) -> int:
    first = client.name.split()[0]
    subject = _("A message from %(first)s's family", first=first)
    text = _("%(name)s has sent the office a message about %(first)s. Read it in Caremon under Family messages.",
             name=message.user.name, first=first)
    coordinators = db.session.scalars(select(User).where(
        User.provider_id == message.provider_id, User.role == Role.COORDINATOR, User.active.is_(True))).all()
    devices = defaultdict(list)  # each coordinator's push subscriptions, in one query for them all
    for sub in db.session.scalars(select(PushSubscription).where(
            PushSubscription.user_id.in_([user.id for user in coordinators]))):
        devices[sub.user_id].append(sub)
    queued = 0
    for user in coordinators:
        routes = [("email", user.email)] + [("push", str(sub.id)) for sub in devices[user.id]]
        for channel, recipient in routes:
            queued += insert_once(Notification(
                dedupe_key=f"{KIND}:{message.id}:{user.id}:{channel}:{recipient}"[:120], channel=channel,
                recipient=recipient, user_id=user.id, kind=KIND, subject=subject, body=text,
                next_attempt_at=now, created_at=now))
    return queued


def listed(ident: Identity, unread_only: bool) -> list[FamilyMessage]:
    """Staff: their provider's messages; a family member: the ones they sent. Newest first."""
    stmt = select(FamilyMessage)
    if ident.role == Role.FAMILY:
        stmt = stmt.where(FamilyMessage.user_id == ident.user_id)
    else:
        stmt = stmt.where(FamilyMessage.provider_id == ident.provider_id)
    if unread_only:
        stmt = stmt.where(FamilyMessage.read_at.is_(None))
    return list(db.session.scalars(stmt.order_by(FamilyMessage.created_at.desc(), FamilyMessage.id.desc())
                                   .limit(MAX_LISTED)))


def get_for_staff(ident: Identity, message_id: int) -> FamilyMessage:
    message = db.session.scalar(select(FamilyMessage).where(
        FamilyMessage.id == message_id, FamilyMessage.provider_id == ident.provider_id))
    if message is None:
        raise not_found(_("Family message not found"))
    return message


def mark_read(ident: Identity, message: FamilyMessage, now: datetime) -> FamilyMessage:
    """The first reader is kept; marking again changes nothing."""
    if message.read_at is None:
        message.read_at, message.read_by = now, ident.user_id
        record("feedback.family_message_read", "family_message", message.id, user_id=ident.user_id, now=now)
    return message
