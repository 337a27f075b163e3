from marshmallow import fields, validate

from server.schemas import Schema


class AlertSchema(Schema):
    id = fields.Integer()
    visit_id = fields.Integer()
    client_id = fields.Integer()
    client_name = fields.Method("_client_name", allow_none=True, metadata={"type": "string"})
    worker_id = fields.Integer(allow_none=True)
    kind = fields.String()
    detail = fields.String(allow_none=True)
    raised_at = fields.DateTime()
    expected_arrival = fields.DateTime(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by = fields.Integer(allow_none=True)
    escalated_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)

    def _client_name(self, alert):
        return getattr(alert, "client_name", None)


class AlertQuerySchema(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(("open", "acknowledged", "all")))
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 500))
