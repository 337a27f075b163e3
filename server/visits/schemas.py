from marshmallow import ValidationError, fields, validate, validates_schema
from marshmallow_sqlalchemy import auto_field

from server.directory.models import Client
from server.i18n import _
from server.schemas import (
    AwareDateTime,
    LocalDate,
    ModelSchema,
    Schema,
    key,
    latitude,
    longitude,
    service_code,
    visit_type,
)
from server.visits.flags import Flag
from server.visits.models import (
    ACTIVITY_CATEGORIES,
    EVENT_KINDS,
    METHODS,
    PAY_DECISIONS,
    REASON_CODES,
    SCORE_MAX,
    SCORE_MIN,
    TASK_REASONS,
    VERDICTS,
    NonContactActivity,
    Visit,
    VisitAssignment,
    VisitCorrection,
    VisitEvent,
    VisitException,
    VisitStatus,
)

# Ways a phone may show presence; a text comes through the SMS gateway, manual times from a coordinator.
PHONE_METHODS = ("gps", "qr", "nfc", "code")


class TaskReasonSchema(Schema):
    task = fields.String(required=True, validate=validate.Length(1, 200))
    reason = fields.String(required=True, validate=validate.OneOf(TASK_REASONS))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))

    @validates_schema
    def _other_explained(self, data, **_kwargs):
        if data["reason"] == "other" and not (data.get("note") or "").strip():
            raise ValidationError(_("Say why in a note when the reason is other"), "note")

# The most a visit may list: tasks on its checklist, and carers (a double-up is two).
MAX_TASKS = 50
MAX_CARERS = 4


class ConfirmationInSchema(Schema):
    pin = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9]{4,8}$"),
                        metadata={"description": "The PIN the family set, typed by the client or family member"})
    signature = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300_000),
                              metadata={"description": "A signature drawn on the screen, as a PNG data URL"})
    signer_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))

    @validates_schema
    def _one_way(self, data, **_kwargs):
        if (data.get("pin") is None) == (data.get("signature") is None):
            raise ValidationError(_("Give either a pin or a signature"), "pin")


class EventInSchema(Schema):
    idempotency_key = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(EVENT_KINDS))
    device_time = AwareDateTime(required=True)
    lat = latitude(load_default=None, allow_none=True)
    lon = longitude(load_default=None, allow_none=True)
    accuracy_m = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0))
    device_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    task = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    text = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    outcome_id = key(load_default=None, allow_none=True)
    score = fields.Integer(strict=True, load_default=None, allow_none=True,
                           validate=validate.Range(SCORE_MIN, SCORE_MAX))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    task_reasons = fields.List(fields.Nested(TaskReasonSchema), load_default=None, allow_none=True,
                               validate=validate.Length(max=50),
                               metadata={"description": "At check-out: why each task not ticked was left undone"})
    short_reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 2000),
                                 metadata={"description": "At check-out: why the visit was well short of planned"})
    method = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(PHONE_METHODS), metadata={
        "description": "How presence is shown: gps (the default, also when absent), qr or nfc (give tag), code "
                       "(give code)"})
    tag = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 512),
                        metadata={"description": "The payload read from the home's QR label or NFC sticker"})
    code = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9]{4,8}$"),
                         metadata={"description": "The short code printed on the home's label, as typed"})
    confirmation = fields.Nested(ConfirmationInSchema, load_default=None, allow_none=True, metadata={
        "description": "At check-out: the client's or family's confirmation of the visit (PIN or signature)"})
    shareable = fields.Boolean(load_default=None, allow_none=True, metadata={
        "description": "Notes only: the carer shares this note with the family's care log (where the client agrees)"})

    @validates_schema
    def _presence_given(self, data, **_kwargs):
        method = data.get("method") or "gps"
        if method != "gps" and data.get("kind") not in ("arrival", "check_in", "check_out"):
            raise ValidationError(_("Only an arrival, check-in or check-out shows presence"), "method")
        needs = {"qr": "tag", "nfc": "tag", "code": "code"}.get(method)
        for name in ("tag", "code"):
            if name == needs and not data.get(name):
                raise ValidationError(_("A %(method)s check needs %(name)s", method=method, name=name), name)
            if name != needs and data.get(name) is not None:
                raise ValidationError(_("Not used with method %(method)s", method=method), name)

    @validates_schema
    def _shared_notes_only(self, data, **_kwargs):
        if data.get("shareable") is not None and data.get("kind") != "note":
            raise ValidationError(_("Only a note can be shared with the family"), "shareable")

    @validates_schema
    def _fix_complete(self, data, **_kwargs):
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ValidationError(_("Give both lat and lon, or neither"), "lat")

    @validates_schema
    def _reasons_at_check_out(self, data, **_kwargs):
        for name in ("task_reasons", "short_reason", "confirmation"):
            if data.get(name) and data.get("kind") != "check_out":
                raise ValidationError(_("Only a check-out carries reasons"), name)
        tasks = [r["task"] for r in data.get("task_reasons") or ()]
        if len(tasks) != len(set(tasks)):
            raise ValidationError(_("One reason per task"), "task_reasons")


class EventSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = VisitEvent
        fields = ("id", "idempotency_key", "visit_id", "worker_id", "kind", "device_time", "received_at", "device_id",
                  "clock_offset_s", "lat", "lon", "accuracy_m", "distance_m", "geofence", "method", "verdict",
                  "payload", "flags")

    method = auto_field(metadata={"description": "How presence was shown: " + ", ".join(METHODS)})
    verdict = auto_field(metadata={"description": "Whether it verified: " + ", ".join(VERDICTS)
                                                  + " (for gps, the geofence verdict)"})
    payload = fields.Dict()
    flags = fields.List(fields.String())


class EventResultSchema(Schema):
    event = fields.Nested(EventSchema)
    duplicate = fields.Boolean()
    visit = fields.Nested(lambda: VisitSchema())


class AssignmentSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = VisitAssignment
        fields = ("worker_id", "worker_name", "position", "arrived_at", "checked_in_at", "checked_out_at",
                  "check_in_geofence", "check_out_geofence", "check_in_method", "check_out_method", "arrival_geofence",
                  "overrun_approved_minutes", "manual", "removed_at")

    worker_name = fields.String(attribute="worker.name")
    check_in_geofence = auto_field(metadata={"description": "Verdict on presence at check-in"})
    check_out_geofence = auto_field(metadata={"description": "Verdict on presence at check-out"})


class ClientSummarySchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = Client
        fields = ("id", "confirmation_pin_set", "name", "address", "postcode", "lat", "lon", "access_notes")

    confirmation_pin_set = fields.Function(lambda c: c.confirmation_pin_hash is not None, metadata={
        "type": "boolean", "description": "The family has set a PIN for confirming visits"})


class VisitSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = Visit
        fields = ("id", "client_id", "contract_id", "provider_id", "client", "planned_start", "planned_start_local",
                  "planned_minutes", "carers_required", "tasks", "status", "punctuality", "started_at", "ended_at",
                  "overrun_approved", "cancel_reason", "service_code", "visit_type", "assignments", "open_exceptions",
                  "council_id", "require_client_confirmation", "flags", "reasons", "pay_decision",
                  "pay_decision_note", "pay_decided_at")

    client = fields.Nested(ClientSummarySchema)
    planned_start_local = fields.Method("_local_start", metadata={"type": "string", "format": "date-time"})
    tasks = fields.List(fields.String())
    service_code = auto_field(metadata={
        "description": "Set on this visit; null: the visit takes its care package's code"})
    visit_type = auto_field(metadata={
        "description": "Kind of visit (\"medication_prompt\", \"sleep_in\"); null: an ordinary visit"})
    assignments = fields.Nested(AssignmentSchema, many=True, attribute="active_assignments")
    open_exceptions = fields.Method("_open_exceptions", metadata={"type": "array", "items": {"type": "string"}})
    council_id = fields.Integer(attribute="contract.council_id")
    require_client_confirmation = fields.Boolean(attribute="contract.require_client_confirmation", metadata={
        "description": "The client or family confirms the visit on the carer's phone at check-out"})
    flags = fields.List(fields.String(validate=validate.OneOf(tuple(Flag))), metadata={
        "description": "What a coordinator or council should look at: " + ", ".join(Flag)})
    reasons = fields.List(fields.Nested(lambda: ReasonSchema()), metadata={
        "description": "Reasons given: by the carer at check-out (tasks left undone, a short visit), by a "
                       "coordinator for a missed visit"})
    pay_decision = auto_field(metadata={"description": "accept or reject, for a flagged visit"})

    def _local_start(self, visit):
        from server.timeutil import to_local

        return to_local(visit.planned_start, visit.contract.council.timezone).isoformat()

    def _open_exceptions(self, visit):
        # Attached by the query that loaded the page, in one query for all its visits.
        return getattr(visit, "open_exception_kinds", [])


class ReasonSchema(Schema):
    about = fields.String(metadata={"description": "task, short or missed"})
    task = fields.String(allow_none=True, dump_default=None)
    code = fields.String(allow_none=True, dump_default=None, metadata={
        "description": "For a task: refused, not_needed, no_time or other; for a missed visit: the council's code"})
    external_code = fields.String(allow_none=True, dump_default=None)
    note = fields.String(allow_none=True, dump_default=None)
    worker_id = fields.Integer(allow_none=True, dump_default=None)


class RunVisitSchema(VisitSchema):
    class Meta(VisitSchema.Meta):
        fields = (*VisitSchema.Meta.fields, "office_phone", "outcomes")

    office_phone = fields.String(attribute="contract.provider.office_phone", allow_none=True, metadata={
        "description": "The provider's office phone number, for the carer to call from the run"})
    outcomes = fields.Method("_outcomes", metadata={"type": "array", "items": {"type": "object"},
                                                    "description": "The client's outcomes, to record progress on"})

    def _outcomes(self, visit):
        # Attached by care, which receives the run_listed signal: the client's outcomes as the carer sees them.
        return getattr(visit, "run_outcomes", [])


class RunSchema(Schema):
    date = fields.Date()
    worker_id = fields.Integer()
    visits = fields.Nested(RunVisitSchema, many=True)


class RunQuerySchema(Schema):
    date = LocalDate(load_default=None)
    worker_id = key(strict=False, load_default=None)


class VisitListQuerySchema(Schema):
    date_from = LocalDate(load_default=None)
    date_to = LocalDate(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf((*VisitStatus, "exception")))
    client_id = key(strict=False, load_default=None)
    worker_id = key(strict=False, load_default=None)
    flag = fields.String(load_default=None, validate=validate.OneOf(tuple(Flag)))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))


class VisitListItemSchema(VisitSchema):
    class Meta(VisitSchema.Meta):
        fields = (*VisitSchema.Meta.fields, "expected_arrival")

    expected_arrival = fields.DateTime(
        allow_none=True, attribute="expected_arrival_at",
        metadata={"description": "While a delay alert is open and nobody has checked in: when the scheduler now "
                                 "expects the first carer (UTC); null otherwise"})


class VisitPageSchema(Schema):
    items = fields.Nested(VisitListItemSchema, many=True)
    next_cursor = fields.String(allow_none=True)


class VisitCreateSchema(Schema):
    client_id = key(required=True)
    planned_start = AwareDateTime(required=True)
    planned_minutes = fields.Integer(strict=True, required=True, validate=validate.Range(5, 24 * 60))
    carers_required = fields.Integer(strict=True, load_default=1, validate=validate.Range(1, MAX_CARERS))
    tasks = fields.List(fields.String(validate=validate.Length(1, 200)), load_default=list,
                        validate=validate.Length(max=MAX_TASKS))
    worker_ids = fields.List(key(), load_default=list, validate=validate.Length(max=MAX_CARERS))
    service_code = service_code(load_default=None)
    visit_type = visit_type(load_default=None)


class ConflictSchema(Schema):
    kind = fields.String(metadata={"description": "double_booked: the carer is on both visits at once; travel_time: "
                                                  "less time between them than the journey takes"})
    worker_id = fields.Integer()
    worker_name = fields.String(allow_none=True)
    visit_ids = fields.List(fields.Integer(), metadata={"description": "The earlier visit, then the later one"})
    overlap_s = fields.Integer(allow_none=True, metadata={"description": "double_booked: seconds both run at once"})
    gap_s = fields.Integer(allow_none=True, metadata={"description": "travel_time: seconds between the two"})
    travel_s = fields.Integer(allow_none=True, metadata={"description": "travel_time: seconds the journey takes"})


class ConflictQuerySchema(Schema):
    date = LocalDate(required=True)


class ConflictListSchema(Schema):
    date = fields.Date()
    conflicts = fields.Nested(ConflictSchema, many=True)


class VisitChangedSchema(VisitSchema):
    class Meta(VisitSchema.Meta):
        fields = (*VisitSchema.Meta.fields, "warnings")

    warnings = fields.Nested(ConflictSchema, many=True, metadata={
        "description": "Conflicts the visit is now part of; saved all the same, for the coordinator to judge"})


class VisitUpdateSchema(Schema):
    planned_start = AwareDateTime()
    planned_minutes = fields.Integer(strict=True, validate=validate.Range(5, 24 * 60))
    tasks = fields.List(fields.String(validate=validate.Length(1, 200)), validate=validate.Length(max=MAX_TASKS))
    worker_ids = fields.List(key(), validate=validate.Length(max=MAX_CARERS))
    cancel_reason = fields.String(validate=validate.Length(1, 200), metadata={
        "description": "Cancels the visit; nothing else may change with it"})
    carers_required = fields.Integer(strict=True, validate=validate.Range(1, MAX_CARERS))
    service_code = service_code(metadata={"description": "May be set on a completed visit, for billing"})
    visit_type = visit_type(metadata={"description": "May be set on a completed visit, for pay"})

    @validates_schema
    def _cancel_alone(self, data, **_kwargs):
        if "cancel_reason" not in data:
            return
        if not data["cancel_reason"].strip():
            raise ValidationError("Say why the visit is cancelled", "cancel_reason")
        if data.keys() - {"cancel_reason"}:
            raise ValidationError("A cancellation changes nothing else: send the other changes on their own",
                                  "cancel_reason")


class CorrectionInSchema(Schema):
    worker_id = key(required=True)
    check_in_at = AwareDateTime(required=True)
    check_out_at = AwareDateTime(required=True)
    reason_code = fields.String(required=True, validate=validate.OneOf(REASON_CODES))
    note = fields.String(load_default=None, validate=validate.Length(max=2000))
    approve_overrun = fields.Boolean(load_default=False, metadata={
        "description": "Approve the whole overrun: the visit's pay is not capped (yes/no, as before)"})
    approve_overrun_minutes = fields.Integer(strict=True, load_default=None, validate=validate.Range(1, 24 * 60),
                                             metadata={"description": (
                                                 "Approve this many minutes beyond the cap for this carer instead "
                                                 "of the whole overrun: the cap moves by exactly that much")})

    @validates_schema
    def _ordered(self, data, **_kwargs):
        if data["check_out_at"] <= data["check_in_at"]:
            raise ValidationError(_("Check-out must be after check-in"), "check_out_at")

    @validates_schema
    def _one_approval(self, data, **_kwargs):
        if data.get("approve_overrun") and data.get("approve_overrun_minutes") is not None:
            raise ValidationError(_("Approve the whole overrun or a number of minutes, not both"),
                                  "approve_overrun_minutes")


class CorrectionSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = VisitCorrection
        fields = ("id", "visit_id", "worker_id", "check_in_at", "check_out_at", "reason_code", "note",
                  "approve_overrun", "approve_overrun_minutes", "created_by", "created_at")


class ExceptionSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = VisitException
        fields = ("id", "visit_id", "worker_id", "kind", "detail", "raised_at", "resolved_at", "resolved_by",
                  "correction_id", "resolution", "reason_code")


class ExceptionResolveSchema(Schema):
    reason_code = fields.String(required=True, validate=validate.Length(1, 32),
                                metadata={"description": "An active code from the council's list "
                                                         "(/councils/<id>/reason-codes)"})
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


class TimelineSchema(Schema):
    visit = fields.Nested(VisitSchema)
    events = fields.Nested(EventSchema, many=True)
    corrections = fields.Nested(CorrectionSchema, many=True)
    exceptions = fields.Nested(ExceptionSchema, many=True)


class ActivityInSchema(Schema):
    idempotency_key = fields.UUID(required=True)
    category = fields.String(required=True, validate=validate.OneOf(ACTIVITY_CATEGORIES))
    minutes = fields.Integer(strict=True, required=True, validate=validate.Range(1, 24 * 60))
    note = fields.String(load_default=None, validate=validate.Length(max=4000))
    occurred_at = AwareDateTime(required=True)


class ActivitySchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = NonContactActivity
        fields = ("id", "idempotency_key", "client_id", "worker_id", "category", "minutes", "note", "occurred_at",
                  "received_at")


class ReasonCodeSchema(Schema):
    id = fields.Integer(dump_only=True)
    council_id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,31}$", error=(
        "Lower-case letters, digits and _, starting with a letter, at most 32")))
    label = fields.String(required=True, validate=validate.Length(1, 200))
    external_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 64),
        metadata={"description": "The council's own code for its systems, carried in exports"},
    )
    active = fields.Boolean(load_default=True)


class ReasonCodeUpdateSchema(Schema):
    label = fields.String(validate=validate.Length(1, 200))
    external_code = fields.String(allow_none=True, validate=validate.Length(1, 64))
    active = fields.Boolean()


class ConfirmationPinSchema(Schema):
    pin = fields.String(required=True, load_only=True, validate=validate.Regexp(r"^[0-9]{4,8}$", error="4 to 8 digits"))


class ConfirmationPinStateSchema(Schema):
    pin_set = fields.Boolean()


class PayDecisionInSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(PAY_DECISIONS))
    note = fields.String(required=True, validate=validate.Length(1, 2000))

    @validates_schema
    def _note_said(self, data, **_kwargs):
        if not data["note"].strip():
            raise ValidationError(_("Say why in the note"), "note")
