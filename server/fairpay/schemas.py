"""Fair-pay queries and answers: the report by carer and day, and a care worker's own day record."""
from __future__ import annotations

from marshmallow import fields, validate

from server.reports.schemas import ReportFiltersSchema, ReportPeriodSchema
from server.schemas import LocalDate, LocalPeriodSchema, Schema, key


class FairPayQuerySchema(LocalPeriodSchema):
    max_days = 62  # every visit of the period is priced by the payment engine: about two months at a time
    contract_id = key(strict=False, load_default=None)
    provider_id = key(strict=False, load_default=None)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")),
                           metadata={"description": "csv returns the same report as a CSV download"})


class DayRecordQuerySchema(Schema):
    date = LocalDate(required=True, metadata={"description": "The local date (council's time zone)"})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "pdf")),
                           metadata={"description": "csv or pdf returns the record as a download"})


def _minor(description: str) -> fields.Integer:
    return fields.Integer(allow_none=True, metadata={"description": description})


class FairPayFiguresSchema(Schema):
    contact_minutes = fields.Integer(metadata={"description": "Minutes inside visits (overlaps counted once)"})
    travel_minutes = fields.Integer(metadata={"description": "Estimated travel between consecutive visits"})
    waiting_minutes = fields.Integer(metadata={"description": "Unpaid time between visits beyond travel"})
    working_minutes = fields.Integer(metadata={"description": "First check-in to last check-out of each run"})
    paid_minutes = fields.Integer(metadata={"description": "The payment engine's payable minutes"})
    pay_minor = _minor("Pay in minor units; null when the carer has no hourly rate")
    effective_hourly_minor = _minor("Pay per hour of working time, minor units; null when not known")
    below_minimum = fields.Boolean(allow_none=True, metadata={
        "description": "Pay is below the statutory minimum wage for the working time; null when not known"})


class FairPayDaySchema(FairPayFiguresSchema):
    provider_id = fields.Integer()
    provider_name = fields.String()
    worker_id = fields.Integer()
    worker_name = fields.String(allow_none=True, metadata={"description": "Null for council officers"})
    staff_ref = fields.String(allow_none=True)
    date = fields.Date(metadata={"description": "Local date the carer's run started"})
    visits = fields.Integer()
    runs = fields.Integer()
    held_visits = fields.Integer(metadata={"description": "Visits whose pay is held: the day may yet rise"})
    untimed_visits = fields.Integer(metadata={"description": "Visits with one time only: paid, not on the clock"})
    hourly_rate_minor = _minor("The carer's hourly rate (worker's, else provider's)")
    pays_travel = fields.Boolean()
    minimum_hourly_minor = _minor("Statutory minimum hourly wage in force that day")


class FairPaySummarySchema(FairPayFiguresSchema):
    days = fields.Integer()
    days_below = fields.Integer(metadata={"description": "Days below the minimum wage"})


class FairPayCarerSchema(FairPaySummarySchema):
    provider_id = fields.Integer()
    provider_name = fields.String()
    worker_id = fields.Integer()
    worker_name = fields.String(allow_none=True)
    staff_ref = fields.String(allow_none=True)


class FairPayProviderSchema(FairPaySummarySchema):
    provider_id = fields.Integer()
    provider_name = fields.String()
    carers = fields.Integer()


class FairPayTotalsSchema(FairPaySummarySchema):
    carers = fields.Integer()


class FairPayReportSchema(Schema):
    report = fields.String()
    period = fields.Nested(ReportPeriodSchema)
    filters = fields.Nested(ReportFiltersSchema)
    rows = fields.List(fields.Nested(FairPayDaySchema), metadata={"description": "One per carer per day worked"})
    carers = fields.List(fields.Nested(FairPayCarerSchema), metadata={"description": "Each carer over the period"})
    providers = fields.List(fields.Nested(FairPayProviderSchema))
    totals = fields.Nested(FairPayTotalsSchema)


class DayRecordVisitSchema(Schema):
    visit_id = fields.Integer()
    client_name = fields.String()
    address = fields.String()
    postcode = fields.String(allow_none=True)
    planned_start = fields.String(metadata={"description": "Local time with its offset"})
    planned_end = fields.String()
    check_in = fields.String(allow_none=True)
    check_out = fields.String(allow_none=True)
    minutes = fields.Integer(allow_none=True, metadata={"description": "Check-in to check-out, whole minutes"})
    tasks_done = fields.List(fields.String(), metadata={"description": "Tasks this carer ticked"})
    paid_minutes = fields.Integer()
    pay_outcome = fields.String(metadata={"description": "paid, held, not_paid, not_delivered or scheduled"})
    held_reason = fields.String(allow_none=True)
    travel_before_minutes = fields.Integer(allow_none=True, metadata={
        "description": "Travel from the visit before (null for the first visit of a run)"})
    waiting_before_minutes = fields.Integer(allow_none=True)


class DayRecordSummarySchema(FairPayFiguresSchema):
    visits = fields.Integer()
    runs = fields.Integer()
    held_visits = fields.Integer()
    untimed_visits = fields.Integer()
    hourly_rate_minor = _minor("Your hourly rate")
    pays_travel = fields.Boolean()
    minimum_hourly_minor = _minor("Statutory minimum hourly wage that day")


class DayRecordWorkerSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    staff_ref = fields.String(allow_none=True)


class DayRecordSchema(Schema):
    date = fields.Date()
    timezone = fields.String()
    worker = fields.Nested(DayRecordWorkerSchema)
    provider_name = fields.String()
    visits = fields.List(fields.Nested(DayRecordVisitSchema))
    summary = fields.Nested(DayRecordSummarySchema)
