from marshmallow import ValidationError, fields, validate, validates_schema

from server.care.schemas import TIME_OF_DAY
from server.i18n import N_, _
from server.medication.models import ROUTES, DoseOutcome, DoseRecord, Medication, MedicationVersion
from server.schemas import AwareDateTime, LocalDate, ModelSchema, Schema, key

SLOT = validate.Regexp(r"^(([01]\d|2[0-3]):[0-5]\d|visit)$", error=N_("Use HH:MM or visit"))


class MedicationInSchema(Schema):
    """A medicine as prescribed from starts_on; sent whole for a new medicine and for each change."""

    name = fields.String(required=True, validate=validate.Length(1, 200))
    dmd_code = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(
        r"^[0-9]{6,18}$", error=N_("An NHS dm+d code is 6 to 18 digits")),
        metadata={"description": "NHS dictionary of medicines and devices (dm+d) code, optional"})
    strength = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    dose = fields.String(required=True, validate=validate.Length(1, 100), metadata={"example": "1 tablet"})
    route = fields.String(required=True, validate=validate.OneOf(ROUTES))
    instructions = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    times = fields.List(fields.String(validate=TIME_OF_DAY), load_default=list, validate=validate.Length(max=12),
                        metadata={"description": "Local times of day it is due at (the client's nearest visit)"})
    visit_pattern_ids = fields.List(key(), load_default=list, validate=validate.Length(max=12),
                                    metadata={"description": "Visit patterns whose every visit it is due at"})
    weekdays = fields.List(fields.Integer(strict=True, validate=validate.Range(1, 7)), load_default=None,
                           allow_none=True, validate=validate.Length(1, 7),
                           metadata={"description": "ISO weekdays it is due on; omit for every day"})
    time_critical = fields.Boolean(load_default=False)
    prn = fields.Boolean(load_default=False, metadata={"description": "As required: never due, given when needed"})
    prn_max_per_day = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(1, 24))
    prn_min_interval_minutes = fields.Integer(strict=True, load_default=None, allow_none=True,
                                              validate=validate.Range(15, 1440))
    starts_on = LocalDate(required=True)
    ends_on = LocalDate(load_default=None, allow_none=True, metadata={"description": "Last local date, if stopped"})
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=400))

    @validates_schema
    def _when_due(self, data, **_kwargs):
        if data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError(_("ends_on is before starts_on"), "ends_on")
        if len(set(data["times"])) != len(data["times"]):
            raise ValidationError(_("Each time once"), "times")
        if data["prn"] and (data["times"] or data["visit_pattern_ids"]):
            raise ValidationError(_("An as-required medicine is never due at set times"), "prn")
        if not data["prn"] and not (data["times"] or data["visit_pattern_ids"]):
            raise ValidationError(_("Say when it is due: times, visit_pattern_ids, or prn"), "times")
        if not data["prn"] and (data["prn_max_per_day"] or data["prn_min_interval_minutes"]):
            raise ValidationError(_("Limits are for as-required medicines"), "prn_max_per_day")


class MedicationChangeSchema(MedicationInSchema):
    reason = fields.String(required=True, validate=validate.Length(1, 400),
                           metadata={"description": "Why it changed (e.g. GP review, stopped by hospital)"})


class VersionSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = MedicationVersion
        fields = ("id", "medication_id", "number", "name", "dmd_code", "strength", "dose", "route", "instructions",
                  "times", "visit_pattern_ids", "weekdays", "time_critical", "prn", "prn_max_per_day",
                  "prn_min_interval_minutes", "starts_on", "ends_on", "reason", "changed_by", "changed_by_name",
                  "created_at")

    times = fields.List(fields.String())
    visit_pattern_ids = fields.List(fields.Integer())
    weekdays = fields.List(fields.Integer(), allow_none=True)
    changed_by_name = fields.String(attribute="author.name")


class MedicationSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = Medication
        fields = ("id", "client_id", "created_at", "versions")

    versions = fields.Nested(VersionSchema, many=True, metadata={"description": "Oldest first"})


class DoseInSchema(Schema):
    idempotency_key = fields.UUID(required=True)
    medication_id = key(required=True)
    slot = fields.String(load_default=None, allow_none=True, validate=SLOT,
                         metadata={"description": "The due dose's slot (HH:MM or visit); omit for an as-required dose"})
    outcome = fields.String(required=True, validate=validate.OneOf(tuple(DoseOutcome)))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                           metadata={"description": "Required for every outcome but given"})
    prn_reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                               metadata={"description": "Why an as-required dose was given"})
    administered_at = AwareDateTime(required=True, metadata={"description": "Device time of the record"})
    device_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))

    @validates_schema
    def _reason_given(self, data, **_kwargs):
        if data["outcome"] != DoseOutcome.GIVEN and not (data.get("reason") or "").strip():
            raise ValidationError(_("Say why the dose was not given"), "reason")


class EffectInSchema(Schema):
    effect = fields.String(required=True, validate=validate.Length(1, 2000))


class DoseEffectItemSchema(EffectInSchema):
    """A dose_effect sync item: the dose is named by its own idempotency key, which a phone knows even offline."""

    idempotency_key = fields.UUID(required=True)
    dose_key = fields.UUID(required=True, metadata={"description": "The idempotency key of the as-required dose"})
    recorded_at = AwareDateTime(required=True, metadata={"description": "Device time the effect was recorded"})
    device_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))


class DoseRecordSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = DoseRecord
        fields = ("id", "idempotency_key", "visit_id", "medication_id", "version_id", "name", "slot", "outcome",
                  "reason", "prn_reason", "prn_effect", "prn_effect_at", "worker_id", "administered_at",
                  "received_at", "flags")

    name = fields.String(attribute="version.name")
    flags = fields.List(fields.String())


class DueDoseSchema(Schema):
    medication_id = fields.Integer()
    slot = fields.String()
    due_at = fields.DateTime()
    version = fields.Nested(VersionSchema)
    record = fields.Nested(DoseRecordSchema, allow_none=True)


class VisitDosesSchema(Schema):
    visit_id = fields.Integer()
    local_date = fields.Date()
    require_doses_before_checkout = fields.Boolean()
    shared_with_family = fields.Boolean()
    due = fields.Nested(DueDoseSchema, many=True)
    as_required = fields.Nested(VersionSchema, many=True, metadata={"description": "PRN medicines in force"})
    records = fields.Nested(DoseRecordSchema, many=True, metadata={
        "description": "Every record at the visit; a family member sees outcomes without the carers' notes"})


class DoseResultSchema(Schema):
    record = fields.Nested(DoseRecordSchema)
    duplicate = fields.Boolean()


class MarQuerySchema(Schema):
    month = fields.String(required=True, validate=validate.Regexp(
        r"^(19\d\d|2[01]\d\d|2200)-(0[1-9]|1[0-2])$", error=N_("Use YYYY-MM")))
