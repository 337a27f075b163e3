"""Password reset and invitation links, received from the auth domain's signal and queued as emails.

Auth sits below notify and does not know the outbox exists: it issues the link and words the email,
and the receiver here queues it in the same transaction, so the link is sent only if it was stored.
"""
from __future__ import annotations

from server.auth.signals import link_issued
from server.extensions import db
from server.notify.models import Channel, Notification


@link_issued.connect
def queue_link(user, *, kind, subject, body, dedupe_key, now):
    db.session.add(Notification(
        dedupe_key=dedupe_key, channel=Channel.EMAIL, recipient=user.email, user_id=user.id,
        kind=kind, subject=subject, body=body, next_attempt_at=now, created_at=now))
