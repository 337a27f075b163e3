from marshmallow import ValidationError, fields, validate, validates_schema

from server.care.models import Outcome
from server.i18n import N_, _
from server.schemas import ModelSchema, Schema, key, service_code
from server.visits.schemas import MAX_CARERS, MAX_TASKS

TIME_OF_DAY = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error=N_("Use HH:MM, 24-hour local time"))


class OutcomeSchema(Schema):
    id = fields.Integer(dump_only=True)
    client_id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(1, 200))
    description = fields.String(allow_none=True, validate=validate.Length(max=4000))
    active = fields.Boolean()


class OutcomeSummarySchema(ModelSchema):
    """An outcome as a carer sees it on their run, to record progress on."""

    class Meta(ModelSchema.Meta):
        model = Outcome
        fields = ("id", "title", "description")


class CarePackageSchema(Schema):
    id = fields.Integer(dump_only=True)
    client_id = fields.Integer(dump_only=True)
    weekly_minutes = fields.Integer(strict=True, required=True, validate=validate.Range(0, 7 * 24 * 60))
    flex_weeks = fields.Integer(strict=True, load_default=1, validate=validate.OneOf((1, 4)))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(load_default=None, allow_none=True)
    service_code = service_code(load_default=None, metadata={
        "description": "Payer's service code (HCPCS \"T1019\", \"S5125\"); the package's visits take it"})
    reablement = fields.Boolean(load_default=False, metadata={
        "description": "Short-term reablement, to be reduced to planned_weekly_minutes after planned_end_on"})
    planned_end_on = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "Local date by which a reablement package is planned to be reduced or ended"})
    planned_weekly_minutes = fields.Integer(strict=True, load_default=None, allow_none=True,
                                            validate=validate.Range(0, 7 * 24 * 60), metadata={
        "description": "Weekly minutes planned from the day after planned_end_on (0: ended)"})
    weekly_budget_minor = fields.Integer(strict=True, load_default=None, allow_none=True,
                                         validate=validate.Range(0, 10**9), metadata={
        "description": "Indicative weekly budget in the council's minor unit (pence)"})

    @validates_schema
    def _ordered(self, data, **_kwargs):
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError(_("ends_on is before starts_on"), "ends_on")
        if data.get("planned_end_on") and data["planned_end_on"] < data["starts_on"]:
            raise ValidationError(_("planned_end_on is before starts_on"), "planned_end_on")
        planned = data.get("planned_weekly_minutes")
        if planned is not None and planned > data["weekly_minutes"]:
            raise ValidationError(_("A planned reduction cannot be more minutes than the package"),
                                  "planned_weekly_minutes")
        if (data.get("planned_end_on") or planned is not None) and not data.get("reablement"):
            raise ValidationError(_("A planned reduction is for reablement packages"), "reablement")


class VisitPatternSchema(Schema):
    id = fields.Integer(dump_only=True)
    client_id = fields.Integer(dump_only=True)
    weekdays = fields.List(fields.Integer(strict=True, validate=validate.Range(1, 7)), required=True,
                           validate=validate.Length(min=1, max=7))
    start_time = fields.String(required=True, validate=TIME_OF_DAY)
    duration_minutes = fields.Integer(strict=True, required=True, validate=validate.Range(5, 24 * 60))
    carers_required = fields.Integer(strict=True, load_default=1, validate=validate.Range(1, MAX_CARERS))
    tasks = fields.List(fields.String(validate=validate.Length(1, 200)), load_default=list,
                        validate=validate.Length(max=MAX_TASKS))
    worker_ids = fields.List(key(), load_default=list, validate=validate.Length(max=MAX_CARERS))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(load_default=None, allow_none=True)
    active = fields.Boolean(load_default=True)

    @validates_schema
    def _ordered(self, data, **_kwargs):
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError("ends_on is before starts_on", "ends_on")


class PatternPreviewInSchema(VisitPatternSchema):
    days = fields.Integer(strict=True, load_default=14, validate=validate.Range(1, 28), metadata={
        "description": "Local days to preview from today (default 14)"})
    pattern_id = key(load_default=None, allow_none=True, metadata={
        "description": "The pattern this one would replace: left out of the other patterns' weekly minutes"})


class PreviewVisitSchema(Schema):
    planned_start = fields.DateTime()
    local_date = fields.Date()
    local_time = fields.String()
    planned_minutes = fields.Integer()
    carers_required = fields.Integer()
    workers = fields.List(fields.String())


class PatternPreviewSchema(Schema):
    visits = fields.List(fields.Nested(PreviewVisitSchema))
    weekly_minutes = fields.Integer(
        metadata={"description": "Minutes a week this pattern plans (per visit, not per carer)"}
    )
    package_weekly_minutes = fields.Integer(
        allow_none=True,
        metadata={"description": "Weekly minutes of the care package in force today; null when none is"},
    )
    other_patterns_weekly_minutes = fields.Integer(
        metadata={"description": "Weekly minutes of the client's other active patterns"}
    )


class VisitChangesSchema(Schema):
    cancelled = fields.Integer(metadata={"description": "Future visits the pattern no longer calls for, cancelled"})
    changed = fields.Integer(metadata={"description": "Future visits given the new length, carers and tasks"})
    created = fields.Integer(metadata={"description": "Visits generated for the changed pattern"})


class PatternChangeSchema(Schema):
    pattern = fields.Nested(VisitPatternSchema)
    visits = fields.Nested(VisitChangesSchema)
