"""Webhook requests and answers."""
from marshmallow import fields, validate

from server.schemas import Schema
from server.webhooks.models import EVENT_TYPES, DeliveryStatus


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


class DeliverySchema(Schema):
    id = fields.Integer()
    message_id = fields.String(metadata={"description": "The webhook-id header, the same on every attempt"})
    event_type = fields.String()
    status = fields.String(validate=validate.OneOf(tuple(DeliveryStatus)))
    attempts = fields.Integer()
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.DateTime()
    created_at = fields.DateTime()
    attempted_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)


class WebhookSchema(Schema):
    id = fields.Integer()
    url = fields.String()
    events = fields.List(fields.String())
    description = fields.String(allow_none=True)
    active = fields.Boolean()
    provider_id = fields.Integer(allow_none=True)
    council_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    rotated_at = fields.DateTime(allow_none=True)
    last_delivery = fields.Nested(DeliverySchema, allow_none=True,
                                  metadata={"description": "The latest delivery and its last status, if any"})


class WebhookSecretSchema(WebhookSchema):
    secret = fields.String(metadata={"description": "whsec_...: shown this once; sign checks use it"})


class DeliveryQuerySchema(Schema):
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))


class DeliveryPageSchema(Schema):
    items = fields.Nested(DeliverySchema, many=True)
    next_cursor = fields.String(allow_none=True)
