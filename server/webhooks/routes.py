"""Webhook endpoints: a provider's administrator or a council officer registers their own."""
from flask import current_app
from flask_smorest import Blueprint

from server.auth.models import ADMINS
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.extensions import db
from server.webhooks import delivery, events, registry  # noqa: F401  (events receives visits' signals)
from server.webhooks.schemas import (
    DeliveryPageSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    WebhookInSchema,
    WebhookPatchSchema,
    WebhookSchema,
    WebhookSecretSchema,
)

bp = Blueprint("webhooks", __name__, url_prefix="/api/v1",
               description="Webhooks: signed deliveries (Standard Webhooks) of visit.late, visit.missed, "
                           "visit.completed, alert.raised and period.closed (see docs/FEED.md)")


def _with_secret(hook, secret: str, status: int):
    """The webhook answered with its secret, this once (a plain attribute: it is stored only encrypted), in an
    answer no cache keeps."""
    hook.secret = secret
    return hook, status, {"Cache-Control": "no-store"}


@bp.get("/webhooks")
@roles_required(*ADMINS)
@bp.response(200, WebhookSchema(many=True))
def list_webhooks():
    """The caller's provider's or council's webhooks, each with its latest delivery."""
    return registry.list_webhooks(current_identity())


@bp.post("/webhooks")
@roles_required(*ADMINS)
@bp.arguments(WebhookInSchema)
@bp.response(201, WebhookSecretSchema)
def create_webhook(body):
    """The secret is in this answer only; give it to the receiver to check signatures."""
    hook, secret = registry.create(current_identity(), body, utcnow())
    db.session.commit()
    return _with_secret(hook, secret, 201)


@bp.get("/webhooks/<int:webhook_id>")
@roles_required(*ADMINS)
@bp.response(200, WebhookSchema)
def get_webhook(webhook_id):
    return registry.get_webhook(current_identity(), webhook_id)


@bp.patch("/webhooks/<int:webhook_id>")
@roles_required(*ADMINS)
@bp.arguments(WebhookPatchSchema)
@bp.response(200, WebhookSchema)
def update_webhook(body, webhook_id):
    ident = current_identity()
    hook = registry.update(ident, registry.get_webhook(ident, webhook_id), body, utcnow())
    db.session.commit()
    return hook


@bp.delete("/webhooks/<int:webhook_id>")
@roles_required(*ADMINS)
@bp.response(204)
def delete_webhook(webhook_id):
    """The webhook and its deliveries; what was still queued is not sent."""
    ident = current_identity()
    registry.remove(ident, registry.get_webhook(ident, webhook_id), utcnow())
    db.session.commit()


@bp.post("/webhooks/<int:webhook_id>/rotate-secret")
@roles_required(*ADMINS)
@bp.response(200, WebhookSecretSchema)
def rotate_webhook_secret(webhook_id):
    """A new secret, shown once; every delivery from now on is signed with it, the old one no longer."""
    ident = current_identity()
    hook = registry.get_webhook(ident, webhook_id)
    secret = registry.rotate(ident, hook, utcnow())
    db.session.commit()
    return _with_secret(hook, secret, 200)


@bp.get("/webhooks/<int:webhook_id>/deliveries")
@roles_required(*ADMINS)
@bp.arguments(DeliveryQuerySchema, location="query")
@bp.response(200, DeliveryPageSchema)
def list_deliveries(query, webhook_id):
    """Deliveries oldest first, each with its attempts, last status code and error, and next attempt."""
    hook = registry.get_webhook(current_identity(), webhook_id)
    items, next_cursor = registry.deliveries(hook, query["cursor"], query["limit"])
    return {"items": items, "next_cursor": next_cursor}


@bp.post("/webhooks/<int:webhook_id>/test")
@roles_required(*ADMINS)
@bp.response(200, DeliverySchema)
def test_webhook(webhook_id):
    """Send a webhook.ping now and answer how it went; if it failed it is retried like any delivery."""
    ident, now = current_identity(), utcnow()
    sent = registry.ping(ident, registry.get_webhook(ident, webhook_id), now)
    db.session.commit()
    delivery.send_one(sent.id, current_app.config["CAREMON"], now)
    return sent
