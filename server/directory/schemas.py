import re
from datetime import date

from marshmallow import ValidationError, fields, validate, validates
from marshmallow_sqlalchemy import auto_field

from server.auth.schemas import new_password
from server.directory.holiday_calendars import holiday_calendars
from server.directory.models import GENDERS, Contract, FamilyLink
from server.i18n import N_, _
from server.schemas import ModelSchema, Schema, key, latitude, longitude
from server.travel import MODES


class ContractSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = Contract
        fields = ("id", "council_id", "council_name", "provider_id", "provider_name", "reference", "payment_rule_set",
                  "geofence_radius_m", "accuracy_limit_m", "early_minutes", "late_minutes", "missed_minutes",
                  "no_checkout_minutes", "short_percent", "overrun_minutes", "hold_outside_geofence",
                  "hold_short_below_percent", "require_client_confirmation", "plan_flex_minutes")

    council_name = fields.String(attribute="council.name")
    provider_name = fields.String(attribute="provider.name")
    early_minutes = auto_field(metadata={
        "description": "A first check-in more than this many minutes before the planned start is flagged early "
                       "(default 30)"})
    late_minutes = auto_field(metadata={
        "description": "No check-in this many minutes after the planned start: late alert and, once checked in, "
                       "the late flag (default 30)"})
    short_percent = auto_field(metadata={
        "description": "A visit is flagged short under this % of its planned minutes (default 90)"})
    overrun_minutes = auto_field(metadata={
        "description": "A visit is flagged overrun beyond planned + these minutes (default 0)"})
    hold_outside_geofence = auto_field(metadata={
        "description": "Pay for a visit flagged outside_geofence waits for a coordinator's acceptance (default true)"})
    hold_short_below_percent = auto_field(metadata={
        "description": "Pay for a short visit under this % of planned waits for a coordinator's acceptance "
                       "(default 50; 0 never holds)"})
    require_client_confirmation = auto_field(metadata={
        "description": "The client or a family member confirms each visit on the carer's phone at check-out, "
                       "with the family's PIN or a signature (default false)"})
    plan_flex_minutes = auto_field(metadata={
        "description": "Minutes either side of the planned start the planner may move a visit "
                       "(null: the plan_flex_minutes setting, 15)"})


class DeclaredHolidaySchema(Schema):
    date = fields.String(required=True, metadata={"format": "date", "description": "Local date, YYYY-MM-DD"})
    name = fields.String(required=True, validate=validate.Length(1, 100))

    @validates("date")
    def _a_date(self, value, **_kwargs):
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValidationError(_("Not a date written YYYY-MM-DD")) from None
        if len(value) != 10:
            raise ValidationError(_("Not a date written YYYY-MM-DD"))


class CouncilSchema(Schema):
    """A council's pay settings: whose holidays take the bank-holiday rate, and the money it pays in."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    timezone = fields.String(dump_only=True)
    holiday_calendar = fields.String(validate=validate.OneOf(holiday_calendars()), metadata={
        "description": 'GB-ENG (England and Wales), GB-SCT, GB-NIR, US (federal) or US-<state> (federal + state)'})
    extra_holidays = fields.List(fields.Nested(DeclaredHolidaySchema), validate=validate.Length(max=366), metadata={
        "description": "Days the council declares holidays on top of the calendar's"})
    currency = fields.String(validate=validate.Regexp(r"^[A-Z]{3}$", error=N_("An ISO 4217 code such as GBP or USD")))
    minor_unit = fields.Integer(strict=True, validate=validate.Range(0, 4), metadata={
        "description": "Digits of the minor unit (2: pence, cents); amounts are whole minor units"})

    @validates("extra_holidays")
    def _each_day_once(self, value, **_kwargs):
        days = [day.get("date") for day in value]
        if len(set(days)) != len(days):
            raise ValidationError(_("A date is declared more than once"))
    require_doses_before_checkout = fields.Boolean(metadata={
        "description": "Check-out is refused (409 doses_not_recorded) while a dose due at the visit has no record "
                       "(default false)"})


def hourly_rate(description: str) -> fields.Integer:
    # At most 1000.00 an hour: anything larger is a typo.
    return fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 100000),
                          metadata={"description": description})


class ProviderSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(validate=validate.Length(1, 200))
    # An email address or a phone number: escalated missed-visit alerts go there.
    on_call_contact = fields.String(allow_none=True, validate=[validate.Length(max=254), validate.Regexp(
        r"^([^@\s]+@[^@\s]+\.[^@\s]+|\+?[0-9][0-9 ]{6,20})$", error=N_("An email address or a phone number"))])
    hourly_rate_minor = hourly_rate(
        "The carers' usual hourly rate in minor units (1250 is £12.50); a worker's own rate wins. Used by the "
        "fair-pay report")
    pays_travel = fields.Boolean(metadata={
        "description": "Travel time between visits is paid at the carer's hourly rate (the fair-pay report counts it)"})
    office_phone = fields.String(allow_none=True, validate=[validate.Length(max=32), validate.Regexp(
        r"^\+?[0-9][0-9 ]{6,20}$", error=N_("A phone number, e.g. 01539 123456 or +44 1539 123456"))], metadata={
        "description": "The office's phone number; carers call it with one tap from their run"})


HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
SKILL = fields.String(validate=validate.Length(1, 64))


def _minutes(value: str) -> int:
    if not isinstance(value, str) or not HHMM.match(value):
        raise ValidationError(_("%(value)r is not a local time written HH:MM", value=value))
    return int(value[:2]) * 60 + int(value[3:])


def check_working_hours(hours: dict) -> None:
    """Each weekday's shift ends after it starts, and each break lies inside it."""
    for day, shift in hours.items():
        if day not in {str(d) for d in range(1, 8)}:
            raise ValidationError(_("%(day)r is not an ISO weekday 1 (Monday) to 7 (Sunday)", day=day))
        if not isinstance(shift, dict) or set(shift) - {"start", "end", "breaks"}:
            raise ValidationError(_("Day %(day)s: give start, end and breaks", day=day))
        start, end = _minutes(shift.get("start")), _minutes(shift.get("end"))
        if end <= start:
            raise ValidationError(_("Day %(day)s: the shift ends before it starts", day=day))
        for pair in shift.get("breaks") or []:
            if not isinstance(pair, list) or len(pair) != 2:
                raise ValidationError(_("Day %(day)s: a break is [start, end]", day=day))
            b_start, b_end = map(_minutes, pair)
            if not start <= b_start < b_end <= end:
                raise ValidationError(_("Day %(day)s: a break must lie inside the shift", day=day))


class WorkerSchema(Schema):
    id = fields.Integer(dump_only=True)
    provider_id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    staff_ref = fields.String(allow_none=True, validate=validate.Length(max=64))
    phone = fields.String(allow_none=True, validate=validate.Length(max=32))
    active = fields.Boolean()
    hourly_rate_minor = hourly_rate("The carer's own hourly rate in minor units; null takes the provider's")
    last_lat = fields.Float(dump_only=True, allow_none=True)
    last_lon = fields.Float(dump_only=True, allow_none=True)
    last_seen_at = fields.DateTime(dump_only=True, allow_none=True)
    user_id = fields.Integer(attribute="login.id", dump_only=True, allow_none=True, metadata={
        "description": "The worker's login (for PATCH /users/{id} and invitations); null when they have none"})
    email = fields.String(attribute="login.email", dump_only=True, allow_none=True)
    login_active = fields.Boolean(attribute="login.active", dump_only=True, allow_none=True)
    travel_mode = fields.String(validate=validate.OneOf(MODES))
    gender = fields.String(allow_none=True, validate=validate.OneOf(GENDERS))
    skills = fields.List(SKILL, validate=validate.Length(max=50))
    working_hours = fields.Dict(allow_none=True, metadata={
        "description": 'ISO weekday ("1" Monday) to {"start": "07:00", "end": "15:00", "breaks": [["11:30", '
                       '"12:00"]]}, local time; a day not listed is off; null works the plan day every day'})
    unavailable_dates = fields.List(
        fields.String(validate=validate.Length(max=10)),
        validate=validate.Length(max=400),
        metadata={"description": "Days of leave or sickness (YYYY-MM-DD): the planner gives no visits on them"},
    )

    @validates("unavailable_dates")
    def _dates(self, value, **_kwargs):
        for day in value:
            try:
                date.fromisoformat(day)
            except ValueError:
                raise ValidationError(_("%(day)r is not a date written YYYY-MM-DD", day=day)) from None

    @validates("working_hours")
    def _hours(self, value, **_kwargs):
        if value is not None:
            check_working_hours(value)


class WorkerCreateSchema(WorkerSchema):
    email = fields.Email(required=True, load_only=True, validate=validate.Length(max=254))
    password = new_password(load_default=None, metadata={
        "description": "Left out, the worker is emailed a one-time link to choose their own"})


class ClientSchema(Schema):
    id = fields.Integer(dump_only=True)
    contract_id = key(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    reference = fields.String(allow_none=True, validate=validate.Length(max=64))
    address = fields.String(required=True, validate=validate.Length(1, 400))
    postcode = fields.String(allow_none=True, validate=validate.Length(max=16))
    lat = latitude(required=True)
    lon = longitude(required=True)
    access_notes = fields.String(allow_none=True, validate=validate.Length(max=4000))
    geofence_radius_m = fields.Integer(strict=True, allow_none=True, validate=validate.Range(10, 5000), metadata={
        "description": "Geofence radius for this home in metres, overriding the contract's (null: the contract's)"})
    medication_shared_with_family = fields.Boolean(metadata={
        "description": "The client agrees that their family may see which doses were given or refused"})
    share_care_log_with_family = fields.Boolean(metadata={
        "description": "The client agrees that their family may read the care log (tasks done, outcome progress, "
                       "notes marked shareable); off until set"})
    required_skills = fields.List(SKILL, validate=validate.Length(max=50), metadata={
        "description": "The planner sends only carers holding all of these"})
    carer_gender = fields.String(allow_none=True, validate=validate.OneOf(GENDERS), metadata={
        "description": "The client accepts only carers of this gender"})
    excluded_worker_ids = fields.List(fields.Integer(), validate=validate.Length(max=200), metadata={
        "description": "Carers the client will not have in their home"})
    active = fields.Boolean()


class ClientUpdateSchema(ClientSchema):
    class Meta:
        # Contract changes go through the council; everything else may be edited piecemeal.
        exclude = ("contract_id",)


class FamilyMemberInSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254), metadata={
        "description": "A relative who already has a family login is linked with it; otherwise one is made"})
    name = fields.String(required=True, validate=validate.Length(1, 200))
    password = new_password(load_default=None, metadata={
        "description": "For a new login only; left out, the relative is emailed a one-time link to choose their own"})
    relationship_label = fields.String(load_default=None, validate=validate.Length(max=64))
    phone = fields.String(load_default=None, validate=validate.Length(max=32))


class FamilyLinkSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = FamilyLink
        fields = ("id", "user_id", "name", "client_id", "relationship_label", "email", "phone", "channels",
                  "quiet_from", "quiet_to", "opted_out")

    name = fields.String(attribute="user.name")
    channels = fields.List(fields.String())


class GeocodeQuerySchema(Schema):
    q = fields.String(required=True, validate=validate.Length(2, 200), metadata={
        "description": "An address or a postcode"})


class PlaceSchema(Schema):
    address = fields.String()
    lat = fields.Float()
    lon = fields.Float()
