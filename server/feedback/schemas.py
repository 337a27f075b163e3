from marshmallow import fields, validate

from server.feedback.models import RATING_MAX, RATING_MIN
from server.schemas import Schema


class FeedbackInSchema(Schema):
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(RATING_MIN, RATING_MAX))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class FeedbackSchema(Schema):
    id = fields.Integer()
    visit_id = fields.Integer()
    user_id = fields.Integer()
    author_name = fields.String(attribute="user.name")
    relationship_label = fields.Method("_relationship", allow_none=True, metadata={"type": "string"})
    rating = fields.Integer()
    comment = fields.String(allow_none=True)
    created_at = fields.DateTime()

    def _relationship(self, feedback):
        # Attached by the service in one query for the whole list.
        return getattr(feedback, "relationship_label", None)
