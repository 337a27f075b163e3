from marshmallow import fields

from server.schemas import Schema
from server.sms.models import SmsOutcome


class InboundResultSchema(Schema):
    id = fields.Integer()
    outcome = fields.String(metadata={"description": "What became of the text: " + ", ".join(SmsOutcome)})
    event_id = fields.Integer(allow_none=True, metadata={"description": "The check-in or check-out recorded"})
    reply = fields.String(metadata={"description": "The answer texted back to the sender"})
    duplicate = fields.Boolean(metadata={"description": "The gateway had already delivered this message id"})
