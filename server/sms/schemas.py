from marshmallow import fields
from marshmallow_sqlalchemy import auto_field

from server.schemas import ModelSchema
from server.sms.models import InboundSms, SmsOutcome


class InboundResultSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = InboundSms
        fields = ("id", "outcome", "event_id", "reply", "duplicate")

    outcome = auto_field(metadata={"description": "What became of the text: " + ", ".join(SmsOutcome)})
    event_id = auto_field(metadata={"description": "The check-in or check-out recorded"})
    reply = auto_field(metadata={"description": "The answer texted back to the sender"})
    duplicate = fields.Boolean(metadata={"description": "The gateway had already delivered this message id"})
