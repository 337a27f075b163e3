"""Report query and the JSON shape of every report: {report, period, filters, rows, totals}."""
from __future__ import annotations

from marshmallow import fields, validate

from server.reports import medication, punctuality, verification
from server.reports.delivery import FLEX_WEEKS
from server.schemas import LocalPeriodSchema, Schema, key
from server.visits.flags import Flag


class ReportQuerySchema(LocalPeriodSchema):
    max_days = 731  # two years side by side; a daily series is one CASE branch a day
    contract_id = key(strict=False, load_default=None)
    provider_id = key(strict=False, load_default=None)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")),
                           metadata={"description": "csv returns the same report as a CSV download"})
    flag = fields.String(load_default=None, validate=validate.OneOf(tuple(Flag)),
                         metadata={"description": "Only visits carrying this flag"})


class ReportPeriodSchema(Schema):
    date_from = fields.Date()
    date_to = fields.Date()
    timezone = fields.String()
    start = fields.DateTime(metadata={"description": "UTC instant of local midnight starting date_from"})
    end = fields.DateTime(metadata={"description": "UTC instant of local midnight after date_to"})


class ReportContractSchema(Schema):
    id = fields.Integer()
    reference = fields.String()
    council_id = fields.Integer()
    provider_id = fields.Integer()
    provider_name = fields.String()
    early_minutes = fields.Integer()
    late_minutes = fields.Integer()
    missed_minutes = fields.Integer()


class ReportFiltersSchema(Schema):
    contract_id = fields.Integer(allow_none=True)
    provider_id = fields.Integer(allow_none=True)
    flag = fields.String(allow_none=True)
    contracts = fields.List(fields.Nested(ReportContractSchema), metadata={"description": "Contracts covered"})


def _pct():
    return fields.Float(allow_none=True, metadata={"description": "Percent to one decimal; null when nothing to share"})


def _envelope(name: str, row_schema, totals_schema) -> type[Schema]:
    return Schema.from_dict({
        "report": fields.String(), "period": fields.Nested(ReportPeriodSchema), "filters": fields.Nested(ReportFiltersSchema),
        "rows": fields.List(fields.Nested(row_schema)), "totals": fields.Nested(totals_schema),
    }, name=f"{name}ReportSchema")


class ReportWeekSchema(Schema):
    week = fields.String(metadata={"description": "ISO week, e.g. 2026-W43"})
    date_from = fields.Date(metadata={"description": "First local date of the week inside the period"})
    date_to = fields.Date(metadata={"description": "Last local date of the week inside the period"})


class ReportClientSchema(Schema):
    client_id = fields.Integer()
    client_name = fields.String()
    client_reference = fields.String(allow_none=True)


PunctualityTotalsSchema = Schema.from_dict({
    "visits": fields.Integer(), "due": fields.Integer(),
    **{cls: fields.Integer() for cls in punctuality.CLASSES}, **{f"{cls}_pct": _pct() for cls in punctuality.DUE},
}, name="PunctualityTotalsSchema")


class PunctualityWeekSchema(ReportWeekSchema, PunctualityTotalsSchema):
    pass


VerificationTotalsSchema = Schema.from_dict({
    "check_ins": fields.Integer(),
    **{cls: fields.Integer() for cls in verification.CLASSES},
    **{f"{cls}_pct": _pct() for cls in verification.CLASSES},
    **{name: fields.Integer(metadata={"description": f"Check-ins shown by {name.removeprefix('method_')}"})
       for name in verification.METHOD_COLUMNS},
}, name="VerificationTotalsSchema")


class VerificationWeekSchema(ReportWeekSchema, VerificationTotalsSchema):
    pass


class ShortVisitsTotalsSchema(Schema):
    delivered = fields.Integer()
    under_80pct = fields.Integer()
    under_15min = fields.Integer()
    under_80pct_pct = _pct()
    under_15min_pct = _pct()


class ShortVisitsWeekSchema(ReportWeekSchema, ShortVisitsTotalsSchema):
    pass


class ReportWorkerSchema(Schema):
    worker_id = fields.Integer()
    worker_name = fields.String()


class MissedExceptionSchema(Schema):
    kind = fields.String()
    detail = fields.String(allow_none=True)
    raised_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    resolution = fields.String(allow_none=True)
    reason_code = fields.String(allow_none=True)


class MissedCorrectionSchema(Schema):
    reason_code = fields.String()
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()


class MissedVisitSchema(ReportClientSchema):
    visit_id = fields.Integer()
    contract_id = fields.Integer()
    provider_id = fields.Integer()
    planned_start = fields.DateTime()
    local_date = fields.Date()
    local_time = fields.String()
    planned_minutes = fields.Integer()
    workers = fields.List(fields.Nested(ReportWorkerSchema))
    reason_code = fields.String(allow_none=True)
    reason_label = fields.String(allow_none=True, metadata={"description": "The council's label for the reason"})
    external_code = fields.String(allow_none=True, metadata={"description": "The council's own code for the reason"})
    resolution = fields.String(allow_none=True)
    resolved = fields.Boolean()
    exceptions = fields.List(fields.Nested(MissedExceptionSchema))
    corrections = fields.List(fields.Nested(MissedCorrectionSchema))


class ReasonCountSchema(Schema):
    reason_code = fields.String(allow_none=True)
    visits = fields.Integer()


class MissedTotalsSchema(Schema):
    missed = fields.Integer()
    resolved = fields.Integer()
    unresolved = fields.Integer()
    by_reason = fields.List(fields.Nested(ReasonCountSchema))


class DeliveryFiguresSchema(Schema):
    commissioned_minutes = fields.Float()
    delivered_minutes = fields.Float()
    variance_minutes = fields.Float(metadata={"description": "Delivered minus commissioned"})
    delivered_pct = _pct()


class DeliveryBlockSchema(DeliveryFiguresSchema):
    block = fields.Integer()
    date_from = fields.Date()
    date_to = fields.Date()


class DeliveryClientSchema(ReportClientSchema, DeliveryFiguresSchema):
    contract_id = fields.Integer()
    provider_id = fields.Integer()
    flex_weeks = fields.Integer()
    visits = fields.Integer()
    blocks = fields.List(fields.Nested(DeliveryBlockSchema),
                         metadata={"description": f"{FLEX_WEEKS}-week blocks, for flexible packages only"})


class DeliveryProviderSchema(DeliveryFiguresSchema):
    provider_id = fields.Integer()
    provider_name = fields.String()
    clients = fields.Integer()


class DeliveryTotalsSchema(DeliveryFiguresSchema):
    clients = fields.Integer()
    providers = fields.List(fields.Nested(DeliveryProviderSchema))


class RegularWorkerSchema(ReportWorkerSchema):
    attendances = fields.Integer()


class ContinuityClientSchema(ReportClientSchema):
    distinct_workers = fields.Integer()
    attendances = fields.Integer()
    regular_attendances = fields.Integer()
    regular_pct = _pct()
    regular_workers = fields.List(fields.Nested(RegularWorkerSchema))


class ContinuityTotalsSchema(Schema):
    clients = fields.Integer()
    attendances = fields.Integer()
    regular_attendances = fields.Integer()
    regular_pct = _pct()
    mean_distinct_workers = fields.Float(allow_none=True)
    max_distinct_workers = fields.Integer(allow_none=True)


class ActivityCategorySchema(Schema):
    category = fields.String()
    activities = fields.Integer()
    minutes = fields.Integer()
    minutes_pct = _pct()


class ActivityTotalsSchema(Schema):
    activities = fields.Integer()
    minutes = fields.Integer()


class OutcomePointSchema(Schema):
    date = fields.Date()
    score = fields.Float(metadata={"description": "Mean of the scores recorded that local date"})
    scores = fields.Integer()


class OutcomeSeriesSchema(ReportClientSchema):
    outcome_id = fields.Integer()
    outcome_title = fields.String()
    points = fields.List(fields.Nested(OutcomePointSchema))
    first_score = fields.Float()
    latest_score = fields.Float()
    change = fields.Float()


class OutcomeTotalsSchema(Schema):
    clients = fields.Integer()
    outcomes = fields.Integer()
    scores = fields.Integer()
    improved = fields.Integer()
    unchanged = fields.Integer()
    declined = fields.Integer()


def _flag_figures() -> dict:
    return {"visits": fields.Integer(metadata={"description": "Visits planned in the period, cancelled left out"}),
            "completed": fields.Integer(), "verified": fields.Integer(), "verified_pct": _pct(),
            **{flag: fields.Integer(metadata={"description": f"Visits flagged {flag}"}) for flag in Flag}}


FlagFiguresSchema = Schema.from_dict(_flag_figures(), name="FlagFiguresSchema")
FlagProviderSchema = Schema.from_dict({"provider_id": fields.Integer(), "provider_name": fields.String(allow_none=True),
                                       **_flag_figures()}, name="FlagProviderSchema")


class FeedRejectionCountSchema(Schema):
    source_system = fields.String(metadata={"description": "The API client's name"})
    kind = fields.String(metadata={"description": "The batch: clients, workers, visits or events"})
    reason = fields.String(metadata={"description": "The error code the items were answered with"})
    items = fields.Integer()


class FeedQualityFiguresSchema(Schema):
    events = fields.Integer(metadata={"description": "Events sent through the feed for visits in the period"})
    lag_median_s = fields.Float(allow_none=True, metadata={"description": "Median of receipt minus device time"})
    lag_p95_s = fields.Float(allow_none=True, metadata={"description": "95th percentile of receipt minus device time"})
    verified = fields.Integer()
    verified_pct = _pct()
    visits = fields.Integer(metadata={"description": "Visits with any feed event"})
    both_events = fields.Integer(metadata={"description": "Of those, visits with a check-in and a check-out"})
    both_events_pct = _pct()
    rejected = fields.Integer(metadata={"description": "Feed items refused in the period"})
    rejections = fields.List(fields.Nested(FeedRejectionCountSchema))


class FeedQualityProviderSchema(FeedQualityFiguresSchema):
    provider_id = fields.Integer()
    provider_name = fields.String()


MedicationFiguresSchema = Schema.from_dict({
    **{c: fields.Integer() for c in medication.COUNTS}, **{f"{c}_pct": _pct() for c in medication.SHARES},
}, name="MedicationFiguresSchema")


class MedicationProviderSchema(MedicationFiguresSchema):
    provider_id = fields.Integer()
    provider_name = fields.String()


RESPONSES = {
    "punctuality": _envelope("Punctuality", PunctualityWeekSchema, PunctualityTotalsSchema),
    "missed": _envelope("Missed", MissedVisitSchema, MissedTotalsSchema),
    "delivery": _envelope("Delivery", DeliveryClientSchema, DeliveryTotalsSchema),
    "continuity": _envelope("Continuity", ContinuityClientSchema, ContinuityTotalsSchema),
    "short-visits": _envelope("ShortVisits", ShortVisitsWeekSchema, ShortVisitsTotalsSchema),
    "verification": _envelope("Verification", VerificationWeekSchema, VerificationTotalsSchema),
    "activities": _envelope("Activities", ActivityCategorySchema, ActivityTotalsSchema),
    "outcomes": _envelope("Outcomes", OutcomeSeriesSchema, OutcomeTotalsSchema),
    "flags": _envelope("Flags", FlagProviderSchema, FlagFiguresSchema),
    "feed-quality": _envelope("FeedQuality", FeedQualityProviderSchema, FeedQualityFiguresSchema),
    "medication": _envelope("Medication", MedicationProviderSchema, MedicationFiguresSchema),
}
