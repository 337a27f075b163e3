from marshmallow import fields, validate
from marshmallow_sqlalchemy import auto_field

from server.care.schemas import TIME_OF_DAY
from server.notify.log import STATES
from server.notify.models import UNDELIVERED, Channel, Notification, PushSubscription
from server.schemas import LocalDate, ModelSchema, Schema


class PushKeysSchema(Schema):
    p256dh = fields.String(required=True, validate=validate.Length(20, 200))
    auth = fields.String(required=True, validate=validate.Length(8, 100))


class PushSubscriptionInSchema(Schema):
    endpoint = fields.Url(required=True, schemes={"https"}, require_tld=False,
                          validate=validate.Length(max=2000))
    keys = fields.Nested(PushKeysSchema, required=True)


class PushSubscriptionSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = PushSubscription
        fields = ("id", "endpoint", "created_at")



class UnsubscribeSchema(Schema):
    endpoint = fields.String(required=True, validate=validate.Length(max=2000))


class PreferencesSchema(Schema):
    channels = fields.List(fields.String(validate=validate.OneOf(tuple(Channel))), validate=validate.Length(max=3))
    quiet_from = fields.String(allow_none=True, validate=TIME_OF_DAY)
    quiet_to = fields.String(allow_none=True, validate=TIME_OF_DAY)
    opted_out = fields.Boolean()
    phone = fields.String(allow_none=True, validate=validate.Length(max=32))


class VapidKeySchema(Schema):
    public_key = fields.String()


class UndeliveredQuerySchema(Schema):
    status = fields.String(load_default="all", validate=validate.OneOf((*sorted(UNDELIVERED), "all")))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))


class UndeliveredSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = Notification
        fields = ("id", "visit_id", "client_name", "kind", "channel", "recipient", "subject", "status", "attempts",
                  "last_error", "created_at", "attempted_at", "next_attempt_at")

    client_name = fields.String()


class UndeliveredPageSchema(Schema):
    items = fields.Nested(UndeliveredSchema, many=True)
    next_cursor = fields.String(allow_none=True)


class RetryInSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 200))


class MessageQuerySchema(Schema):
    date = LocalDate(load_default=None, metadata={"description": "Local day the messages were queued (default today)"})
    state = fields.String(load_default="all", validate=validate.OneOf((*STATES, "all")))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))


class MessageSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = Notification
        fields = ("id", "visit_id", "client_name", "visit_start", "kind", "channel", "recipient", "recipient_name",
                  "subject", "body", "state", "status", "attempts", "last_error", "created_at", "sent_at",
                  "next_attempt_at")

    client_name = fields.String()
    visit_start = fields.DateTime()
    kind = auto_field(metadata={"description": "delay, missed, arrival (to family) or escalation (to on-call)"})
    recipient = fields.String(attribute="recipient_shown", metadata={
        "description": "Redacted: enough of the address or number to tell two apart"})
    recipient_name = fields.String(allow_none=True, metadata={"description": "The user it went to, if any"})
    state = fields.String(metadata={"description": ", ".join(STATES)})
    status = auto_field(metadata={"description": "The outbox's own status behind the state"})


class MessagePageSchema(Schema):
    date = fields.Date()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "The day's messages in each state"})
    items = fields.Nested(MessageSchema, many=True)
    next_cursor = fields.String(allow_none=True)
