from marshmallow import fields, validate

from server.monitoring.models import Alert
from server.schemas import ModelSchema, Schema


class AlertSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = Alert
        fields = ("id", "visit_id", "client_id", "client_name", "worker_id", "kind", "detail", "raised_at",
                  "expected_arrival", "acknowledged_at", "acknowledged_by", "escalated_at", "resolved_at")

    client_name = fields.Method("_client_name", allow_none=True, metadata={"type": "string"})

    def _client_name(self, alert):
        return getattr(alert, "client_name", None)


class AlertQuerySchema(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(("open", "acknowledged", "all")))
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 500))
