from marshmallow import ValidationError, fields, validate, validates_schema

from server.feedback.models import RATING_MAX, RATING_MIN, FamilyMessage, VisitFeedback
from server.i18n import _
from server.schemas import LocalPeriodSchema, ModelSchema, Schema, key


class FeedbackInSchema(Schema):
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(RATING_MIN, RATING_MAX))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class FeedbackSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = VisitFeedback
        fields = ("id", "visit_id", "user_id", "author_name", "relationship_label", "rating", "comment",
                  "created_at")

    author_name = fields.String(attribute="user.name")
    relationship_label = fields.Method("_relationship", allow_none=True, metadata={"type": "string"})

    def _relationship(self, feedback):
        # Attached by the service in one query for the whole list.
        return getattr(feedback, "relationship_label", None)


class CareLogQuerySchema(LocalPeriodSchema):
    max_days = 92


class CareLogTaskSchema(Schema):
    task = fields.String()
    done = fields.Boolean()


class CareLogOutcomeSchema(Schema):
    outcome_id = fields.Integer()
    title = fields.String()
    score = fields.Integer()
    recorded_at = fields.DateTime()


class CareLogNoteSchema(Schema):
    text = fields.String()
    recorded_at = fields.DateTime()
    carer = fields.String(allow_none=True)


class CareLogVisitSchema(Schema):
    visit_id = fields.Integer()
    local_date = fields.Date()
    planned_start = fields.DateTime()
    planned_minutes = fields.Integer()
    status = fields.String()
    started_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    carers = fields.List(fields.String())
    tasks = fields.List(fields.Nested(CareLogTaskSchema), metadata={
        "description": "The visit's tasks, each ticked or not"})
    outcomes = fields.List(fields.Nested(CareLogOutcomeSchema), metadata={
        "description": "Progress scored against the client's outcomes at this visit"})
    notes = fields.List(fields.Nested(CareLogNoteSchema), metadata={
        "description": "Only the notes the carer marked shareable with the family"})


class CareLogSchema(Schema):
    client_id = fields.Integer()
    client_name = fields.String()
    date_from = fields.Date()
    date_to = fields.Date()
    shared_with_family = fields.Boolean()
    score_min = fields.Integer()
    score_max = fields.Integer()
    visits = fields.List(fields.Nested(CareLogVisitSchema), metadata={
        "description": "Visits a carer came to, newest first"})


class FamilyMessageInSchema(Schema):
    client_id = key(required=True, metadata={"description": "The relative the message is about"})
    body = fields.String(required=True, validate=validate.Length(1, 2000))

    @validates_schema
    def _said(self, data, **_kwargs):
        if not data["body"].strip():
            raise ValidationError(_("Write a message"), "body")


class FamilyMessageQuerySchema(Schema):
    unread = fields.Boolean(load_default=False, metadata={"description": "Staff: only messages nobody has read yet"})


class FamilyMessageSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = FamilyMessage
        fields = ("id", "client_id", "client_name", "provider_id", "user_id", "author_name", "body", "created_at",
                  "read_at", "read_by")

    client_name = fields.String(attribute="client.name")
    author_name = fields.String(attribute="user.name")
