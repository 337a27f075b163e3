from flask_smorest import Blueprint
from sqlalchemy import delete, select

from server.auth.models import STAFF, Role
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.directory.models import FamilyLink
from server.directory.schemas import FamilyLinkSchema
from server.errors import ErrorSchema, not_found
from server.extensions import db
from server.i18n import _
from server.notify import account_links, log, subscriptions, undelivered  # noqa: F401  (account_links receives auth's signal)
from server.notify.channels import vapid_key
from server.notify.models import PushSubscription
from server.notify.schemas import (
    MessagePageSchema,
    MessageQuerySchema,
    PreferencesSchema,
    PushSubscriptionInSchema,
    PushSubscriptionSchema,
    RetryInSchema,
    UndeliveredPageSchema,
    UndeliveredQuerySchema,
    UndeliveredSchema,
    UnsubscribeSchema,
    VapidKeySchema,
)
from server.timeutil import to_local
from server.visits.queries import tenant_timezone

bp = Blueprint("notify", __name__, url_prefix="/api/v1/notify",
               description="Push subscriptions, family preferences and undelivered messages")


@bp.get("/vapid-public-key")
@bp.response(200, VapidKeySchema)
def public_key():
    """The applicationServerKey a browser needs to subscribe to this server's pushes."""
    current_identity()
    return {"public_key": vapid_key().public_key}


@bp.post("/push-subscriptions")
@bp.arguments(PushSubscriptionInSchema)
@bp.response(201, PushSubscriptionSchema)
def subscribe(body):
    """Register this browser's push endpoint (https, on a public host) for the signed-in user."""
    sub = subscriptions.subscribe(current_identity().user_id, body["endpoint"], body["keys"])
    db.session.commit()
    return sub


@bp.delete("/push-subscriptions")
@bp.arguments(UnsubscribeSchema)
@bp.response(204)
def unsubscribe(body):
    ident = current_identity()
    removed = db.session.execute(delete(PushSubscription).where(
        PushSubscription.endpoint == body["endpoint"], PushSubscription.user_id == ident.user_id)).rowcount
    if not removed:
        raise not_found(_("Subscription not found"))
    db.session.commit()


@bp.put("/preferences")
@roles_required(Role.FAMILY)
@bp.arguments(PreferencesSchema)
@bp.response(200, FamilyLinkSchema(many=True))
def preferences(body):
    """Channels, quiet hours (local time) and opt-out, for every relative this family member follows."""
    links = db.session.scalars(select(FamilyLink).where(FamilyLink.user_id == current_identity().user_id)).all()
    for link in links:
        for key, value in body.items():
            setattr(link, key, value)
    db.session.commit()
    return links


@bp.get("/preferences")
@roles_required(Role.FAMILY)
@bp.response(200, FamilyLinkSchema(many=True))
def get_preferences():
    return db.session.scalars(select(FamilyLink).where(FamilyLink.user_id == current_identity().user_id)).all()


@bp.get("/messages")
@roles_required(*STAFF)
@bp.arguments(MessageQuerySchema, location="query")
@bp.response(200, MessagePageSchema)
def list_messages(query):
    """Messages about the provider's visits queued on a local day: delivered, pending, failed or suppressed
    (the relative opted out), with channel, redacted recipient and visit."""
    ident = current_identity()
    tz = tenant_timezone(ident)
    day = query["date"] or to_local(utcnow(), tz).date()
    items, next_cursor = log.messages(ident.provider_id, day, tz, query["state"], query["cursor"], query["limit"])
    return {"date": day, "counts": log.counts(ident.provider_id, day, tz), "items": items, "next_cursor": next_cursor}


@bp.get("/undelivered")
@roles_required(*STAFF)
@bp.arguments(UndeliveredQuerySchema, location="query")
@bp.response(200, UndeliveredPageSchema)
def list_undelivered(query):
    """Messages about the provider's visits that failed every attempt or may not have arrived."""
    items, next_cursor = undelivered.list_undelivered(current_identity().provider_id, query["status"],
                                                      query["cursor"], query["limit"])
    return {"items": items, "next_cursor": next_cursor}


@bp.post("/undelivered/<int:notification_id>/retry")
@roles_required(*STAFF)
@bp.arguments(RetryInSchema)
@bp.response(200, UndeliveredSchema)
@bp.alt_response(409, schema=ErrorSchema, description="not_undelivered: the message was delivered or is still queued")
def retry_undelivered(body, notification_id):
    """Send it again (for an uncertain one, once you know it did not arrive); the reason goes to the audit log."""
    ident = current_identity()
    row = undelivered.get_undelivered(ident.provider_id, notification_id)
    undelivered.retry(row, user_id=ident.user_id, reason=body["reason"], now=utcnow())
    db.session.commit()
    return row
