from marshmallow import ValidationError, fields, validate, validates_schema

from server.i18n import N_, _
from server.payments.export import FORMATS
from server.payments.rules import NAME_PATTERN
from server.payments.units import UNIT_FLAGS
from server.schemas import AwareDateTime, LocalDate, LocalPeriodSchema, Schema, decimal_string, key, service_code
from server.visits.flags import Flag


class ExportQuerySchema(LocalPeriodSchema):
    provider_id = key(strict=False, load_default=None, metadata={"description": "Only this provider's contracts"})
    contract_id = key(strict=False, load_default=None, metadata={"description": "Only this contract"})
    format = fields.String(load_default="csv", validate=validate.OneOf(tuple(FORMATS)))
    flag = fields.String(load_default=None, validate=validate.OneOf((*Flag, *UNIT_FLAGS)),
                         metadata={"description": "Only visit rows carrying this flag"})


POUNDS_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"


def pounds_text(**kwargs) -> fields.String:
    # Pounds are text ("-12.05"), beside the whole pence as a number, so no reader's float rounds money.
    return fields.String(metadata={"pattern": POUNDS_PATTERN, "description": "amount_pence as pounds, e.g. \"12.05\""},
                         **kwargs)


def _text(description: str | None = None) -> fields.String:
    return fields.String(allow_none=True, metadata={"description": description} if description else {})


def _number(description: str | None = None) -> fields.Integer:
    return fields.Integer(allow_none=True, metadata={"description": description} if description else {})


class ExportRowSchema(Schema):
    """One row of the export, the same columns in every format; a column that does not apply to a row is null."""

    row_kind = fields.String(metadata={"description": "visit, non_contact, settlement or adjustment"})
    contract_id = fields.Integer()
    contract_reference = fields.String()
    provider_id = fields.Integer()
    rule_set = fields.String()
    period_id = fields.Integer(allow_none=True, metadata={"description": "The closed period a replayed row froze in"})
    date = fields.Date(metadata={"description": "Local date the row pays for"})
    client_id = _number()
    client_reference = _text()
    visit_id = _number()
    worker_id = _number()
    worker_reference = _text()
    carer_position = _number()
    activity_id = _number()
    activity_category = _text()
    planned_start = fields.DateTime(allow_none=True, metadata={"description": "Local time with its offset"})
    planned_end = fields.DateTime(allow_none=True)
    planned_minutes = _number()
    arrival = fields.DateTime(allow_none=True)
    check_in = fields.DateTime(allow_none=True)
    check_out = fields.DateTime(allow_none=True)
    actual_minutes = _number()
    visit_status = _text()
    check_in_location = _text(
        "Verdict on presence at check-in: the geofence verdict for gps, verified or invalid for a tag"
    )
    check_out_location = _text("Verdict on presence at check-out")
    check_in_method = _text("How presence was shown at check-in: gps, qr, nfc, code, sms or manual")
    check_out_method = _text("How presence was shown at check-out")
    manual_times = fields.Boolean(allow_none=True)
    overrun_approved = fields.Boolean(allow_none=True)
    flags = fields.List(fields.String(), allow_none=True, metadata={
        "description": "Visit rows: the visit's flags (early, short, outside_geofence, ...); ';'-separated in CSV"})
    reasons = fields.List(fields.String(), allow_none=True, metadata={
        "description": "Visit rows: reasons given (undone tasks, a short visit, a missed visit's code)"})
    pay_decision = _text("Visit rows: a coordinator's accept or reject of a flagged visit")
    outcome = _text("paid, held, not_delivered or not_paid")
    held_reason = _text()
    day_kind = _text("weekday, weekend or bank_holiday")
    payable_minutes = fields.Integer()
    amount_pence = fields.Integer()
    amount = pounds_text()
    service_code = _text("Visit rows: the visit's service code (its own, else its care package's)")
    units = _number("Visit rows under unit billing: units paid")
    unit_minutes = _number("Minutes in one unit of the service code")
    carried_in_minutes = _number("Minutes carried in from the carer's previous visit of the code")
    carried_out_minutes = _number("Minutes carried on to the carer's next visit of the code")
    authorisation_id = _number("The service authorisation the units count against")
    authorised_units = _number("Units that authorisation allows")
    authorisation_remaining_units = _number("Units left on that authorisation after this row")
    bill_start = fields.DateTime(allow_none=True, metadata={"description": "Bill time from visit maintenance"})
    bill_end = fields.DateTime(allow_none=True)
    bill_reason = _text("The visit maintenance reason code")
    block_from = fields.Date(allow_none=True, metadata={"description": "Settlement rows: the flex block settled"})
    block_to = fields.Date(allow_none=True)
    adjusts_kind = _text("Adjustment rows: the row_kind of the row corrected")
    adjusts_period_id = _number()
    detail = _text()


class KindTotalSchema(Schema):
    rows = fields.Integer()
    payable_minutes = fields.Integer()
    amount_pence = fields.Integer()


class ContractTotalSchema(KindTotalSchema):
    contract_id = fields.Integer()
    contract_reference = fields.String()


class ExportTotalsSchema(KindTotalSchema):
    held_rows = fields.Integer()
    amount = pounds_text()
    by_kind = fields.Dict(keys=fields.String(), values=fields.Nested(KindTotalSchema),
                          metadata={"description": "By row_kind"})
    by_contract = fields.List(fields.Nested(ContractTotalSchema))
    visits_by_method = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Visit rows (one per carer) by how presence was shown at check-in"})


class ExportSchema(Schema):
    """The JSON export: what was asked, the columns, the rows in order, then the totals."""

    export = fields.Constant("visits", metadata={"type": "string", "enum": ["visits"]})
    date_from = fields.Date()
    date_to = fields.Date()
    provider_id = fields.Integer(allow_none=True)
    contract_id = fields.Integer(allow_none=True)
    flag = fields.String(allow_none=True, metadata={"description": "Only visits carrying this flag, when asked"})
    contracts = fields.List(fields.Integer(), metadata={"description": "Every contract the export covers"})
    columns = fields.List(fields.String(), metadata={"description": "The row keys, in the CSV's column order"})
    rows = fields.List(fields.Nested(ExportRowSchema))
    totals = fields.Nested(ExportTotalsSchema)


class StepSchema(Schema):
    rule = fields.String()
    before = fields.Integer()
    after = fields.Integer()
    note = fields.String()


class LineSchema(Schema):
    worker_id = fields.Integer(allow_none=True)
    outcome = fields.String(metadata={"description": "paid, held, not_delivered, not_paid (rejected by a "
                                                     "coordinator) or scheduled (not yet due)"})
    held = fields.Boolean()
    held_reason = fields.String(allow_none=True)
    minutes = fields.Integer()
    amount_pence = fields.Integer()
    local_date = fields.Date(attribute="day.local_date")
    day_kind = fields.String(attribute="day.kind", metadata={"description": "weekday, weekend or bank_holiday"})
    day_name = fields.String(attribute="day.name")
    hourly_pence = fields.Integer()
    multiplier = decimal_string(metadata={"description": "Of the hourly rate for the day's kind, e.g. \"1.5\""})
    steps = fields.List(fields.Nested(StepSchema), metadata={"description": "Each rule applied, in order"})


class PaidSoFarSchema(Schema):
    period_ids = fields.List(fields.Integer())
    minutes = fields.Integer()
    amount_pence = fields.Integer()


class PayableSchema(Schema):
    visit_id = fields.Integer()
    contract_id = fields.Integer()
    rule_set = fields.String()
    timezone = fields.String()
    planned_start = fields.DateTime()
    planned_minutes = fields.Integer()
    status = fields.String()
    flags = fields.List(fields.String())
    pay_decision = fields.String(allow_none=True, metadata={"description": "A coordinator's accept or reject"})
    pay_decision_note = fields.String(allow_none=True)
    minutes = fields.Integer(metadata={"description": "Payable minutes, all carers"})
    amount_pence = fields.Integer(metadata={"description": "Whole minor units of `currency` (the name is kept for "
                                                           "existing integrations)"})
    currency = fields.String(metadata={"description": "The council's ISO 4217 currency, e.g. GBP"})
    minor_unit = fields.Integer(metadata={"description": "Digits of the currency's minor unit (2: pence, cents)"})
    held = fields.Boolean()
    lines = fields.List(fields.Nested(LineSchema))
    period_rule = fields.String(allow_none=True, metadata={
        "description": "For guaranteed/flex rule sets: how the client's block is settled on top of these lines"})
    paid_in_closed_periods = fields.Nested(PaidSoFarSchema, allow_none=True, metadata={
        "description": "What closed periods have paid for this visit so far (null if never in one)"})


class PeriodCloseSchema(LocalPeriodSchema):
    contract_id = key(required=True)


class PeriodListQuerySchema(Schema):
    contract_id = key(strict=False, load_default=None)


class PeriodSchema(Schema):
    id = fields.Integer()
    contract_id = fields.Integer()
    date_from = fields.Date()
    date_to = fields.Date()
    rule_set = fields.String()
    status = fields.Constant("closed", metadata={"type": "string", "enum": ["closed"]})
    closed_at = fields.DateTime()
    closed_by = fields.Integer()
    rows = fields.Integer()
    held_rows = fields.Integer()
    adjustment_rows = fields.Integer()
    payable_minutes = fields.Integer()
    amount_pence = fields.Integer()
    checksum = fields.String(metadata={"description": "sha256 of this period's CSV export"})


class _AsExported(fields.Nested):
    """An export row as the export and the snapshots hold it, already JSON; documented as ExportRow."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class PeriodAdjustmentsSchema(Schema):
    period = fields.Nested(PeriodSchema)
    carried = fields.List(_AsExported(ExportRowSchema), metadata={
        "description": "Adjustment rows this period paid: corrections to earlier closed periods, as frozen"})
    later = fields.List(_AsExported(ExportRowSchema), metadata={
        "description": "Corrections to this period paid in later closed periods"})
    pending = fields.List(_AsExported(ExportRowSchema), metadata={
        "description": "Corrections to this period made since the last close, paid when the next period closes"})


class NextPeriodSchema(Schema):
    contract_id = fields.Integer()
    date_from = fields.Date()
    date_to = fields.Date()
    closable = fields.Boolean(metadata={
        "description": "False while the next period has not ended (closed to yesterday)"})
    closed_to = fields.Date(allow_none=True, metadata={"description": "The last closed date, if any"})
    visits = fields.Integer(metadata={"description": "Visits (not cancelled) planned in date_from..date_to"})


class InvoiceQuerySchema(LocalPeriodSchema):
    contract_id = key(strict=False, required=True)
    reference = fields.String(load_default=None, validate=validate.Length(1, 64),
                              metadata={"description": "The provider's invoice number"})


class InvoiceListQuerySchema(Schema):
    contract_id = key(strict=False, load_default=None)


class InvoiceSchema(Schema):
    id = fields.Integer()
    contract_id = fields.Integer()
    provider_id = fields.Integer()
    reference = fields.String(allow_none=True)
    date_from = fields.Date()
    date_to = fields.Date()
    filename = fields.String(allow_none=True)
    checksum = fields.String()
    lines = fields.Integer()
    minutes = fields.Integer()
    amount_pence = fields.Integer()
    uploaded_by = fields.Integer()
    uploaded_at = fields.DateTime()


class EntrySchema(Schema):
    match_on = fields.String(metadata={"description": "visit, or client_day (client_reference + date)"})
    visit_id = fields.Integer(allow_none=True)
    client_reference = fields.String(allow_none=True)
    date = fields.String()
    invoice_lines = fields.List(fields.Integer(), metadata={"description": "Line numbers in the file (header is 1)"})
    invoiced_minutes = fields.Integer()
    invoiced_amount_pence = fields.Integer()
    payable_minutes = fields.Integer()
    payable_amount_pence = fields.Integer()
    difference_minutes = fields.Integer()
    difference_amount_pence = fields.Integer()
    differences = fields.List(fields.String())
    reason = fields.String(allow_none=True)


class _Sum(Schema):
    count = fields.Integer()
    lines = fields.Integer()
    minutes = fields.Integer()
    amount_pence = fields.Integer()
    difference_minutes = fields.Integer()
    difference_amount_pence = fields.Integer()


class ReconciliationSummarySchema(Schema):
    invoiced = fields.Nested(_Sum)
    payable = fields.Nested(_Sum)
    difference = fields.Nested(_Sum)
    matched = fields.Nested(_Sum)
    mismatched = fields.Nested(_Sum)
    invoiced_not_delivered = fields.Nested(_Sum)
    delivered_not_invoiced = fields.Nested(_Sum)
    period_lines = fields.Nested(_Sum)


class PeriodLineSchema(Schema):
    row_kind = fields.String()
    date = fields.String()
    client_id = fields.Integer(allow_none=True)
    client_reference = fields.String(allow_none=True)
    visit_id = fields.Integer(allow_none=True)
    worker_id = fields.Integer(allow_none=True)
    payable_minutes = fields.Integer()
    amount_pence = fields.Integer()
    detail = fields.String(allow_none=True)


class ReconciliationSchema(Schema):
    invoice = fields.Nested(InvoiceSchema)
    summary = fields.Nested(ReconciliationSummarySchema)
    matched = fields.List(fields.Nested(EntrySchema))
    mismatched = fields.List(fields.Nested(EntrySchema))
    invoiced_not_delivered = fields.List(fields.Nested(EntrySchema))
    delivered_not_invoiced = fields.List(fields.Nested(EntrySchema))
    period_lines = fields.List(fields.Nested(PeriodLineSchema), metadata={
        "description": "Settlement and adjustment rows of the same export, not matched line by line"})


class ContingencyInSchema(Schema):
    client_id = key(required=True)
    on_date = LocalDate(required=True, metadata={"description": "Any local date in the flex block to extend"})
    minutes = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100_000))
    reason = fields.String(required=True, validate=validate.Length(1, 400))


class ContingencySchema(Schema):
    id = fields.Integer()
    contract_id = fields.Integer()
    client_id = fields.Integer()
    on_date = fields.Date()
    block_from = fields.Date()
    block_to = fields.Date()
    minutes = fields.Integer()
    reason = fields.String()
    granted_by = fields.Integer()
    granted_at = fields.DateTime()


class AuthorisationInSchema(LocalPeriodSchema):
    """Units or minutes (exactly one) of a service code authorised for a client over local dates."""

    max_days = 3660
    client_id = key(required=True)
    service_code = service_code(required=True, allow_none=False)
    units = fields.Integer(strict=True, load_default=None, validate=validate.Range(1, 1_000_000))
    minutes = fields.Integer(strict=True, load_default=None, validate=validate.Range(1, 100_000_000),
                             metadata={"description": "Instead of units: counted as whole units of the code"})
    note = fields.String(load_default=None, validate=validate.Length(max=2000))

    @validates_schema
    def _one_amount(self, data, **_kwargs):
        if (data.get("units") is None) == (data.get("minutes") is None):
            raise ValidationError(_("Give units or minutes, not both"), "units")


class AuthorisationSchema(Schema):
    id = fields.Integer()
    contract_id = fields.Integer()
    client_id = fields.Integer()
    service_code = fields.String()
    date_from = fields.Date()
    date_to = fields.Date()
    units = fields.Integer(allow_none=True)
    minutes = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    created_by = fields.Integer()
    created_at = fields.DateTime()


class AuthorisationListQuerySchema(Schema):
    client_id = key(strict=False, load_default=None)


class MaintenanceInSchema(Schema):
    worker_id = key(required=True)
    bill_start = AwareDateTime(required=True)
    bill_end = AwareDateTime(required=True)
    reason_code = fields.String(required=True, validate=validate.Length(1, 32),
                                metadata={"description": "One of the rule set's visit_maintenance.reason_codes"})
    note = fields.String(load_default=None, validate=validate.Length(max=2000))

    @validates_schema
    def _ordered(self, data, **_kwargs):
        if data["bill_end"] <= data["bill_start"]:
            raise ValidationError(_("bill_end must be after bill_start"), "bill_end")


class MaintenanceSchema(Schema):
    id = fields.Integer()
    visit_id = fields.Integer()
    worker_id = fields.Integer()
    bill_start = fields.DateTime()
    bill_end = fields.DateTime()
    reason_code = fields.String()
    note = fields.String(allow_none=True)
    created_by = fields.Integer()
    created_at = fields.DateTime()


class RepricingQuerySchema(Schema):
    rule_set = fields.String(
        required=True,
        validate=validate.Regexp(NAME_PATTERN, error=N_("No such payment rule set")),
        metadata={"description": "The rule set to price the period under, by file name"},
    )


class RepricingSideSchema(Schema):
    payable_minutes = fields.Integer()
    amount_pence = fields.Integer()
    held_rows = fields.Integer()


class RepricingDifferenceSchema(Schema):
    payable_minutes = fields.Integer()
    amount_pence = fields.Integer()


class RepricingLineSchema(Schema):
    current_minutes = fields.Integer()
    current_pence = fields.Integer()
    repriced_minutes = fields.Integer()
    repriced_pence = fields.Integer()
    difference_minutes = fields.Integer()
    difference_pence = fields.Integer()


class RepricingProviderSchema(RepricingLineSchema):
    provider_id = fields.Integer()


class RepricingClientSchema(RepricingLineSchema):
    client_id = fields.Integer(allow_none=True)
    client_reference = fields.String(allow_none=True)


class RepricingFlagSchema(RepricingLineSchema):
    flag = fields.String(metadata={"description": "A flag the rows carry, or 'none'"})


class RepricingSchema(Schema):
    period_id = fields.Integer()
    contract_id = fields.Integer()
    contract_reference = fields.String()
    date_from = fields.Date()
    date_to = fields.Date()
    rule_set = fields.String(metadata={"description": "The rule set the period was closed under"})
    repriced_rule_set = fields.String()
    paid = fields.Nested(
        RepricingSideSchema,
        metadata={"description": "What the closed period froze, adjustments to earlier periods included"},
    )
    current = fields.Nested(
        RepricingSideSchema, metadata={"description": "The period priced now under its own rule set"}
    )
    repriced = fields.Nested(RepricingSideSchema)
    difference = fields.Nested(RepricingDifferenceSchema, metadata={"description": "repriced - current"})
    by_provider = fields.Nested(RepricingProviderSchema, many=True)
    by_client = fields.Nested(RepricingClientSchema, many=True)
    by_flag = fields.Nested(RepricingFlagSchema, many=True)


class RuleSetSummarySchema(Schema):
    name = fields.String()
    description = fields.String()
    basis = fields.String(metadata={"description": "actual or planned"})
    service_codes = fields.List(fields.String(), metadata={"description": "Codes billed by units; empty when "
                                                                          "the rule set pays by the minute"})
