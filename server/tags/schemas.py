from marshmallow import fields
from marshmallow_sqlalchemy import auto_field

from server.schemas import ModelSchema
from server.tags.issuing import payload_of
from server.tags.models import ClientTag


class TagSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = ClientTag
        fields = ("id", "client_id", "version", "code", "payload", "issued_at", "revoked_at", "active")

    code = auto_field(metadata={"description": "Short code printed on the label, typed or texted (IN/OUT code)"})
    payload = fields.Method("_payload", metadata={
        "type": "string", "description": "The signed payload held by the QR code and written to an NFC sticker"})
    active = fields.Method("_active", metadata={"type": "boolean"})

    def _payload(self, tag):
        return payload_of(tag)

    def _active(self, tag):
        return tag.revoked_at is None
