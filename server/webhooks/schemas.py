"""Webhook requests and answers."""
from marshmallow import fields, validate
from marshmallow_sqlalchemy import auto_field

from server.schemas import ModelSchema, Schema
from server.webhooks.models import EVENT_TYPES, DeliveryStatus, Webhook, WebhookDelivery


def _events(**kwargs) -> fields.List:
    return fields.List(fields.String(validate=validate.OneOf(EVENT_TYPES)),
                       validate=validate.Length(1, len(EVENT_TYPES)), **kwargs)


def _url(**kwargs) -> fields.String:
    return fields.String(validate=[validate.Length(max=2000), validate.URL(schemes={"http", "https"},
                                                                              require_tld=False)],
                         metadata={"description": "https, on a public host"}, **kwargs)


class WebhookInSchema(Schema):
    url = _url(required=True)
    events = _events(required=True, metadata={"description": f"Any of: {', '.join(EVENT_TYPES)}"})
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    active = fields.Boolean(load_default=True)


class WebhookPatchSchema(Schema):
    url = _url()
    events = _events()
    description = fields.String(allow_none=True, validate=validate.Length(max=200))
    active = fields.Boolean(metadata={"description": "false pauses deliveries; they wait until it is true again"})


class DeliverySchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = WebhookDelivery
        fields = ("id", "message_id", "event_type", "status", "attempts", "last_status_code", "last_error",
                  "next_attempt_at", "created_at", "attempted_at", "delivered_at")

    message_id = auto_field(metadata={"description": "The webhook-id header, the same on every attempt"})
    status = fields.String(validate=validate.OneOf(tuple(DeliveryStatus)))


class WebhookSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = Webhook
        fields = ("id", "url", "events", "description", "active", "provider_id", "council_id", "created_at",
                  "rotated_at", "last_delivery")

    events = fields.List(fields.String())
    last_delivery = fields.Nested(DeliverySchema, allow_none=True,
                                  metadata={"description": "The latest delivery and its last status, if any"})


class WebhookSecretSchema(WebhookSchema):
    class Meta(WebhookSchema.Meta):
        fields = (*WebhookSchema.Meta.fields, "secret")

    secret = fields.String(metadata={"description": "whsec_...: shown this once; sign checks use it"})


class DeliveryQuerySchema(Schema):
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))


class DeliveryPageSchema(Schema):
    items = fields.Nested(DeliverySchema, many=True)
    next_cursor = fields.String(allow_none=True)
