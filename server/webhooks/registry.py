"""A provider's or a council's webhooks: registered, changed, paused, deleted and re-keyed by their owner.

A provider's administrator owns the provider's webhooks; a council officer owns the council's, which receive
the events of every contract the council commissions. Anyone else's webhook is not found. The signing secret
is shown once, at creation and at each rotation.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, select

from server.audit.service import record
from server.auth.models import Role
from server.auth.tenancy import Identity
from server.errors import not_found
from server.extensions import db
from server.i18n import _
from server.pagination import page
from server.webhooks import urls
from server.webhooks.models import PING, Webhook, WebhookDelivery
from server.webhooks.publish import enqueue
from server.webhooks.secrets import new_secret, seal


def _owned(ident: Identity):
    """The caller's own webhooks: their provider's, or their council's; never a missing id matching a NULL."""
    if ident.role == Role.PROVIDER_ADMIN and ident.provider_id is not None:
        return select(Webhook).where(Webhook.provider_id == ident.provider_id)
    if ident.role == Role.COUNCIL_OFFICER and ident.council_id is not None:
        return select(Webhook).where(Webhook.council_id == ident.council_id)
    return select(Webhook).where(False)


def _with_last_status(hooks: list[Webhook]) -> list[Webhook]:
    """Each webhook with its latest delivery (or None), read in one query."""
    latest = select(func.max(WebhookDelivery.id)).where(
        WebhookDelivery.webhook_id.in_([h.id for h in hooks])).group_by(WebhookDelivery.webhook_id)
    by_hook = {d.webhook_id: d for d in db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.id.in_(latest)))} if hooks else {}
    for hook in hooks:
        hook.last_delivery = by_hook.get(hook.id)
    return hooks


def list_webhooks(ident: Identity) -> list[Webhook]:
    return _with_last_status(list(db.session.scalars(_owned(ident).order_by(Webhook.id))))


def get_webhook(ident: Identity, pk: int) -> Webhook:
    found = db.session.scalar(_owned(ident).where(Webhook.id == pk))
    if found is None:
        raise not_found(_("Webhook not found"))
    return _with_last_status([found])[0]


def create(ident: Identity, data: dict, now: datetime) -> tuple[Webhook, str]:
    """The new webhook and its secret, which the caller shows once."""
    urls.check_registered(data["url"], current_app.config["CAREMON"])
    secret = new_secret()
    owner = (
        {"provider_id": ident.provider_id} if ident.role == Role.PROVIDER_ADMIN else {"council_id": ident.council_id}
    )
    hook = Webhook(
        **owner,
        url=data["url"],
        events=sorted(set(data["events"])),
        description=data.get("description"),
        active=data["active"],
        secret_encrypted=seal(secret),
        created_by=ident.user_id,
        created_at=now,
    )
    db.session.add(hook)
    db.session.flush()
    record("webhook.create", "webhook", hook.id, user_id=ident.user_id, now=now, url=hook.url, events=hook.events)
    hook.last_delivery = None
    return hook, secret


def update(ident: Identity, hook: Webhook, data: dict, now: datetime) -> Webhook:
    if "url" in data:
        urls.check_registered(data["url"], current_app.config["CAREMON"])
    if "events" in data:
        data = {**data, "events": sorted(set(data["events"]))}
    for name, value in data.items():
        setattr(hook, name, value)
    db.session.flush()
    record("webhook.update", "webhook", hook.id, user_id=ident.user_id, now=now, **data)
    return hook


def rotate(ident: Identity, hook: Webhook, now: datetime) -> str:
    """A new secret; every attempt from now on, retries of older deliveries included, is signed with it."""
    secret = new_secret()
    hook.secret_encrypted, hook.rotated_at = seal(secret), now
    db.session.flush()
    record("webhook.rotate", "webhook", hook.id, user_id=ident.user_id, now=now)
    return secret


def remove(ident: Identity, hook: Webhook, now: datetime) -> None:
    """The webhook and its deliveries, sent or not, go together."""
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id))
    db.session.delete(hook)
    record("webhook.delete", "webhook", hook.id, user_id=ident.user_id, now=now, url=hook.url)


def deliveries(hook: Webhook, cursor: str | None, limit: int):
    stmt = select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
    return page(db.session, stmt, WebhookDelivery.created_at, WebhookDelivery.id, cursor, limit)


def ping(ident: Identity, hook: Webhook, now: datetime) -> WebhookDelivery:
    """A webhook.ping delivery, queued like any other; the caller commits it, then sends it at once."""
    delivery = enqueue(hook.id, PING, now, {"webhook_id": hook.id}, now)
    db.session.flush()
    record("webhook.test", "webhook", hook.id, user_id=ident.user_id, now=now)
    return delivery
