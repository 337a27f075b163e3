from marshmallow import fields

from server.schemas import Schema
from server.tags.issuing import payload_of


class TagSchema(Schema):
    id = fields.Integer()
    client_id = fields.Integer()
    version = fields.Integer()
    code = fields.String(metadata={"description": "Short code printed on the label, typed or texted (IN/OUT code)"})
    payload = fields.Method("_payload", metadata={
        "type": "string", "description": "The signed payload held by the QR code and written to an NFC sticker"})
    issued_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    active = fields.Method("_active", metadata={"type": "boolean"})

    def _payload(self, tag):
        return payload_of(tag)

    def _active(self, tag):
        return tag.revoked_at is None
