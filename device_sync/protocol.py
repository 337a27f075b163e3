"""The sync envelope, shared by the server endpoint and the Python reference client.

See PROTOCOL.md. Items are validated one by one on the server (a bad item is
rejected alone), so the envelope only checks their outline here.
"""
from __future__ import annotations

from datetime import timezone

from marshmallow import Schema, fields, validate

ITEM_TYPES = ("visit_event", "activity", "dose", "dose_effect")
ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"
# Answers after which the device may forget an item: it is stored exactly once, or never will be.
SETTLED = (ACCEPTED, DUPLICATE, REJECTED)


class _UTC(fields.AwareDateTime):
    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).astimezone(timezone.utc)


class BatchRequestSchema(Schema):
    device_id = fields.String(required=True, validate=validate.Length(1, 64))
    sent_at = _UTC(required=True)
    items = fields.List(fields.Dict(), required=True, metadata={
        "description": "At most the server's sync_max_items (500 by default) and sync_max_bytes; a larger batch is "
                       "answered 413 with both limits, and the device sends it in smaller parts"})


class ItemResultSchema(Schema):
    idempotency_key = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(SETTLED))
    id = fields.Integer(allow_none=True)
    flags = fields.List(fields.String())
    error = fields.Dict()


class BatchResponseSchema(Schema):
    server_time = fields.DateTime()
    clock_offset_s = fields.Float()
    results = fields.Nested(ItemResultSchema, many=True)
