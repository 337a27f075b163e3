"""Web Push subscriptions: each endpoint belongs to one user and points at a public push service."""
from __future__ import annotations

from sqlalchemy import select

from server.errors import ApiError
from server.extensions import db
from server.i18n import _
from server.notify import endpoints
from server.notify.models import PushSubscription
from server.unique import insert_once


def subscribe(user_id: int, endpoint: str, keys: dict) -> PushSubscription:
    """Register the endpoint for this user, or renew its keys; another user's endpoint is not taken over,
    since whoever holds it would then receive that user's messages about their relative."""
    _check(endpoint)
    sub = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if sub is None:
        sub = PushSubscription(endpoint=endpoint, user_id=user_id, p256dh=keys["p256dh"], auth=keys["auth"])
        if insert_once(sub):
            return sub
        sub = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if sub.user_id != user_id:
        raise ApiError(409, "push_endpoint_taken", _("This push endpoint is registered to another account"),
                       {"fields": {"endpoint": [_("This push endpoint is registered to another account")]}})
    sub.p256dh, sub.auth = keys["p256dh"], keys["auth"]
    db.session.flush()
    return sub


def _check(endpoint: str) -> None:
    try:
        endpoints.check(endpoint)
    except endpoints.NotPublic as exc:
        raise ApiError(422, "push_endpoint_not_public", str(exc), {"fields": {"endpoint": [str(exc)]}}) from None
    except endpoints.Unresolvable as exc:
        raise ApiError(422, "push_endpoint_unresolvable", str(exc), {"fields": {"endpoint": [str(exc)]}}) from None
