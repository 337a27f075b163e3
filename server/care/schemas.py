from marshmallow import ValidationError, fields, validate, validates_schema

from server.i18n import _
from server.schemas import Schema, key, service_code
from server.visits.schemas import MAX_CARERS, MAX_TASKS

TIME_OF_DAY = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Use HH:MM, 24-hour local time")


class OutcomeSchema(Schema):
    id = fields.Integer(dump_only=True)
    client_id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(1, 200))
    description = fields.String(allow_none=True, validate=validate.Length(max=4000))
    active = fields.Boolean()


class CarePackageSchema(Schema):
    id = fields.Integer(dump_only=True)
    client_id = fields.Integer(dump_only=True)
    weekly_minutes = fields.Integer(strict=True, required=True, validate=validate.Range(0, 7 * 24 * 60))
    flex_weeks = fields.Integer(strict=True, load_default=1, validate=validate.OneOf((1, 4)))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(load_default=None, allow_none=True)
    service_code = service_code(load_default=None, metadata={
        "description": "Payer's service code (HCPCS \"T1019\", \"S5125\"); the package's visits take it"})

    @validates_schema
    def _ordered(self, data, **_kwargs):
        if data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError(_("ends_on is before starts_on"), "ends_on")


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
