from datetime import date

from marshmallow import ValidationError, fields, validate, validates

from server.auth.schemas import new_password
from server.i18n import _
from server.payments.calendar import holiday_calendars
from server.schemas import Schema, key, latitude, longitude


class ContractSchema(Schema):
    id = fields.Integer()
    council_id = fields.Integer()
    council_name = fields.String(attribute="council.name")
    provider_id = fields.Integer()
    provider_name = fields.String(attribute="provider.name")
    reference = fields.String()
    payment_rule_set = fields.String()
    geofence_radius_m = fields.Integer()
    accuracy_limit_m = fields.Integer()
    early_minutes = fields.Integer(metadata={
        "description": "A first check-in more than this many minutes before the planned start is flagged early "
                       "(default 30)"})
    late_minutes = fields.Integer(metadata={
        "description": "No check-in this many minutes after the planned start: late alert and, once checked in, "
                       "the late flag (default 30)"})
    missed_minutes = fields.Integer()
    no_checkout_minutes = fields.Integer()
    short_percent = fields.Integer(metadata={
        "description": "A visit is flagged short under this % of its planned minutes (default 90)"})
    overrun_minutes = fields.Integer(metadata={
        "description": "A visit is flagged overrun beyond planned + these minutes (default 0)"})
    hold_outside_geofence = fields.Boolean(metadata={
        "description": "Pay for a visit flagged outside_geofence waits for a coordinator's acceptance (default true)"})
    hold_short_below_percent = fields.Integer(metadata={
        "description": "Pay for a short visit under this % of planned waits for a coordinator's acceptance "
                       "(default 50; 0 never holds)"})
    require_client_confirmation = fields.Boolean(metadata={
        "description": "The client or a family member confirms each visit on the carer's phone at check-out, "
                       "with the family's PIN or a signature (default false)"})


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
    currency = fields.String(validate=validate.Regexp(r"^[A-Z]{3}$", error="An ISO 4217 code such as GBP or USD"))
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


class ProviderSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(validate=validate.Length(1, 200))
    # An email address or a phone number: escalated missed-visit alerts go there.
    on_call_contact = fields.String(allow_none=True, validate=[validate.Length(max=254), validate.Regexp(
        r"^([^@\s]+@[^@\s]+\.[^@\s]+|\+?[0-9][0-9 ]{6,20})$", error="An email address or a phone number")])


class WorkerSchema(Schema):
    id = fields.Integer(dump_only=True)
    provider_id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    staff_ref = fields.String(allow_none=True, validate=validate.Length(max=64))
    phone = fields.String(allow_none=True, validate=validate.Length(max=32))
    active = fields.Boolean()
    last_lat = fields.Float(dump_only=True, allow_none=True)
    last_lon = fields.Float(dump_only=True, allow_none=True)
    last_seen_at = fields.DateTime(dump_only=True, allow_none=True)


class WorkerCreateSchema(WorkerSchema):
    email = fields.Email(required=True, load_only=True, validate=validate.Length(max=254))
    password = new_password(required=True)


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
    active = fields.Boolean()


class ClientUpdateSchema(ClientSchema):
    class Meta:
        # Contract changes go through the council; everything else may be edited piecemeal.
        exclude = ("contract_id",)


class FamilyMemberInSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    password = new_password(required=True)
    relationship_label = fields.String(load_default=None, validate=validate.Length(max=64))
    phone = fields.String(load_default=None, validate=validate.Length(max=32))


class FamilyLinkSchema(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    client_id = fields.Integer()
    relationship_label = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    channels = fields.List(fields.String())
    quiet_from = fields.String(allow_none=True)
    quiet_to = fields.String(allow_none=True)
    opted_out = fields.Boolean()
