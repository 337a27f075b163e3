"""Inputs and answers of the commissioning endpoints: risk ranking, thresholds, zones and package offers."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from server.commissioning.evidence import BEHIND
from server.commissioning.models import OfferStatus, TurnOutcome, Zone, ZoneProvider
from server.commissioning.thresholds import KPIS
from server.i18n import _
from server.schemas import (
    LocalDate,
    LocalPeriodSchema,
    ModelSchema,
    Schema,
    key,
    latitude,
    longitude,
)

KPI_NAMES = tuple(k.name for k in KPIS)


class RiskQuerySchema(LocalPeriodSchema):
    max_days = 366
    periods = fields.Integer(load_default=6, validate=validate.Range(1, 12), metadata={
        "description": "How many periods of the same length the trend shows, the one asked for last (default 6)"})

    @validates_schema
    def _bounded(self, data, **_kwargs):
        days = (data["date_to"] - data["date_from"]).days + 1
        if days * data["periods"] > 731:
            raise ValidationError(_("The trend may cover at most 731 days: fewer periods or a shorter one"), "periods")


class EvidenceQuerySchema(LocalPeriodSchema):
    contract_id = key(strict=False, required=True)
    kpi = fields.String(required=True, validate=validate.OneOf(tuple(BEHIND)))
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class KpiSchema(Schema):
    value = fields.Float(allow_none=True)
    rating = fields.String(metadata={"description": "green, amber, red, or none when nothing could be measured"})


class LinesSchema(Schema):
    amber = fields.Float(required=True)
    red = fields.Float(required=True)


def _per_kpi(inner, **kwargs):
    return fields.Dict(keys=fields.String(validate=validate.OneOf(KPI_NAMES)), values=inner, **kwargs)


class TrendPointSchema(Schema):
    date_from = fields.Date()
    date_to = fields.Date()
    rating = fields.String()
    values = _per_kpi(fields.Float(allow_none=True))


class RiskRowSchema(Schema):
    contract_id = fields.Integer()
    contract_reference = fields.String()
    provider_id = fields.Integer()
    provider_name = fields.String()
    rating = fields.String()
    kpis = _per_kpi(fields.Nested(KpiSchema))
    thresholds = _per_kpi(fields.Nested(LinesSchema))
    own_thresholds = fields.List(fields.String(), metadata={"description": "KPIs whose lines the contract sets"})
    trend = fields.List(fields.Nested(TrendPointSchema))


class RiskSchema(Schema):
    period = fields.Dict()
    periods = fields.Integer()
    rows = fields.List(fields.Nested(RiskRowSchema))
    totals = fields.Dict()


class EvidenceRowSchema(Schema):
    visit_id = fields.Integer()
    local_date = fields.Date()
    local_time = fields.String()
    client_id = fields.Integer()
    client_reference = fields.String(allow_none=True)
    client_name = fields.String()
    status = fields.String()
    punctuality = fields.String(allow_none=True)
    planned_minutes = fields.Integer()
    flags = fields.List(fields.String())
    family_rating = fields.Float(allow_none=True)


class EvidenceSchema(Schema):
    kpi = fields.String()
    contract_id = fields.Integer()
    total = fields.Integer(metadata={"description": "Visits behind the number; rows holds the first 500"})
    rows = fields.List(fields.Nested(EvidenceRowSchema))


class ThresholdsSchema(Schema):
    """Lines by KPI; a KPI left out keeps the default. PUT replaces the contract's own lines."""

    thresholds = _per_kpi(fields.Nested(LinesSchema), required=True)
    defaults = _per_kpi(fields.Nested(LinesSchema), dump_only=True)
    effective = _per_kpi(fields.Nested(LinesSchema), dump_only=True)


class ZoneInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 120))
    postcode_districts = fields.List(fields.String(validate=validate.Length(1, 8)), load_default=list,
                                     validate=validate.Length(max=200), metadata={"example": ["LA9", "LA8"]})
    polygon = fields.Dict(load_default=None, allow_none=True, metadata={
        "description": "GeoJSON Polygon, positions [longitude, latitude]"})
    offer_response_hours = fields.Integer(strict=True, load_default=None, allow_none=True,
                                          validate=validate.Range(1, 24 * 14), metadata={
        "description": "Hours a provider has to answer an offer in this zone; null takes the setting"})


class ZoneShareSchema(Schema):
    contract_id = key(required=True)
    share_pct = fields.Integer(strict=True, required=True, validate=validate.Range(0, 100))


class ZoneProvidersInSchema(Schema):
    providers = fields.List(fields.Nested(ZoneShareSchema), required=True, validate=validate.Length(max=50))


class ZoneProviderSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = ZoneProvider
        fields = ("contract_id", "contract_reference", "provider_id", "provider_name", "share_pct")

    contract_reference = fields.String(attribute="contract.reference")
    provider_id = fields.Integer(attribute="contract.provider_id")
    provider_name = fields.String(attribute="contract.provider.name")


class ZoneFiguresSchema(Schema):
    offers = fields.Integer()
    placed = fields.Integer()
    unplaced = fields.Integer()
    waiting = fields.Integer()
    pick_up_pct = fields.Float(allow_none=True)
    median_hours_to_place = fields.Float(allow_none=True)
    max_hours_to_place = fields.Float(allow_none=True)
    providers = fields.List(fields.Dict())


class ZoneSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = Zone
        fields = ("id", "name", "postcode_districts", "polygon", "offer_response_hours", "active", "providers",
                  "figures")

    postcode_districts = fields.List(fields.String())
    polygon = fields.Dict(allow_none=True)
    providers = fields.List(fields.Nested(ZoneProviderSchema))
    figures = fields.Nested(ZoneFiguresSchema)


class OfferInSchema(Schema):
    zone_id = key(load_default=None, allow_none=True, metadata={
        "description": "Leave out to use the zone holding the postcode district or the location"})
    client_name = fields.String(required=True, validate=validate.Length(1, 200))
    client_address = fields.String(required=True, validate=validate.Length(1, 400))
    postcode = fields.String(required=True, validate=validate.Length(2, 16))
    lat = latitude(required=True)
    lon = longitude(required=True)
    weekly_minutes = fields.Integer(strict=True, required=True, validate=validate.Range(15, 7 * 24 * 60))
    pattern_summary = fields.String(required=True, validate=validate.Length(1, 400),
                                    metadata={"example": "4 calls a day, 2 carers at 08:00"})
    needs_summary = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    starts_on = LocalDate(required=True)


class OfferListQuerySchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(tuple(OfferStatus)))


class OfferReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))


class TurnSchema(Schema):
    contract_id = fields.Integer()
    provider_id = fields.Integer()
    provider_name = fields.String()
    offered_at = fields.DateTime()
    expires_at = fields.DateTime()
    outcome = fields.String(validate=validate.OneOf(tuple(TurnOutcome)))
    answered_at = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True)


class OfferSchema(Schema):
    id = fields.Integer()
    zone_id = fields.Integer()
    zone_name = fields.String()
    postcode_district = fields.String()
    weekly_minutes = fields.Integer()
    pattern_summary = fields.String()
    needs_summary = fields.String(allow_none=True)
    starts_on = fields.Date()
    status = fields.String(validate=validate.OneOf(tuple(OfferStatus)))
    created_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(allow_none=True, metadata={"description": "When the provider's turn lapses"})
    your_turn = fields.Boolean(metadata={"description": "The offer waits for the caller's answer"})
    placed_contract_id = fields.Integer(allow_none=True)
    client_id = fields.Integer(allow_none=True)
    client_name = fields.String(allow_none=True, metadata={
        "description": "To the council, and to the provider that accepted it; null to other providers"})
    client_address = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    turns = fields.List(fields.Nested(TurnSchema), metadata={
        "description": "Every provider's turn to the council; a provider sees its own turn only"})
