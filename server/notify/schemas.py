from marshmallow import Schema, fields, validate

from server.care.schemas import TIME_OF_DAY
from server.notify.models import CHANNELS


class PushKeysSchema(Schema):
    p256dh = fields.String(required=True, validate=validate.Length(20, 200))
    auth = fields.String(required=True, validate=validate.Length(8, 100))


class PushSubscriptionInSchema(Schema):
    endpoint = fields.Url(required=True, schemes={"https", "http"}, require_tld=False,
                          validate=validate.Length(max=2000))
    keys = fields.Nested(PushKeysSchema, required=True)


class PushSubscriptionSchema(Schema):
    id = fields.Integer()
    endpoint = fields.String()
    created_at = fields.DateTime()


class UnsubscribeSchema(Schema):
    endpoint = fields.String(required=True)


class PreferencesSchema(Schema):
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), validate=validate.Length(max=3))
    quiet_from = fields.String(allow_none=True, validate=TIME_OF_DAY)
    quiet_to = fields.String(allow_none=True, validate=TIME_OF_DAY)
    opted_out = fields.Boolean()
    phone = fields.String(allow_none=True, validate=validate.Length(max=32))


class VapidKeySchema(Schema):
    public_key = fields.String()
