from marshmallow import fields, validate

from server.exports.evv import FORMATS, METHODS
from server.schemas import LocalPeriodSchema, Schema, key
from server.visits.models import GEOFENCE, VisitStatus


class EvvQuerySchema(LocalPeriodSchema):
    contract_id = key(strict=False, load_default=None, metadata={"description": "Only this contract"})
    provider_id = key(strict=False, load_default=None, metadata={"description": "Only this provider's contracts"})
    format = fields.String(load_default="csv", validate=validate.OneOf(tuple(FORMATS)))


class EncounterQuerySchema(LocalPeriodSchema):
    """Visits planned on these local dates."""


def _text(description: str, **kwargs) -> fields.String:
    return fields.String(allow_none=True, metadata={"description": description}, **kwargs)


def _number(description: str) -> fields.Float:
    return fields.Float(allow_none=True, metadata={"description": description})


def _fix(moment: str) -> dict:
    return {
        f"{moment}_lat": _number(f"Latitude of the {moment.replace('_', '-')} fix"),
        f"{moment}_lon": _number(f"Longitude of the {moment.replace('_', '-')} fix"),
        f"{moment}_accuracy_m": _number("The fix's accuracy radius, metres"),
        f"{moment}_verification": _text("The fix against the client's home: " + ", ".join(GEOFENCE),
                                        validate=validate.OneOf(GEOFENCE)),
    }


class EvvRowSchema(Schema.from_dict({
    "service_type": _text("Service type: the payer's service code (the visit's, else its care package's)"),
    "visit_id": fields.Integer(),
    "visit_status": fields.String(validate=validate.OneOf(tuple(VisitStatus))),
    "contract_id": fields.Integer(),
    "contract_reference": fields.String(),
    "provider_id": fields.Integer(),
    "client_id": fields.Integer(metadata={"description": "Individual receiving the service"}),
    "client_reference": _text("The provider's reference for the client"),
    "client_name": fields.String(),
    "worker_id": fields.Integer(metadata={"description": "Individual providing the service; one row per carer"}),
    "worker_reference": _text("The provider's staff reference for the carer"),
    "worker_name": fields.String(),
    "carer_position": fields.Integer(metadata={"description": "1 for the lead carer, 2 for a double-up's second"}),
    "service_date": fields.Date(metadata={"description": "Date of service: local date of the carer's check-in"}),
    "timezone": fields.String(metadata={"description": "The council's time zone the local times are in"}),
    "start_utc": fields.DateTime(metadata={"description": "The carer's check-in, UTC"}),
    "start_local": fields.DateTime(metadata={"description": "The carer's check-in, local time with its offset"}),
    "end_utc": fields.DateTime(allow_none=True, metadata={"description": "The carer's check-out, UTC"}),
    "end_local": fields.DateTime(allow_none=True, metadata={"description": "The carer's check-out, local time"}),
    "planned_start_local": fields.DateTime(),
    "planned_minutes": fields.Integer(),
    "location_address": fields.String(metadata={"description": "Location of service: the client's home"}),
    "location_postcode": _text("The home's postcode"),
    **_fix("check_in"),
    **_fix("check_out"),
    "method": fields.String(validate=validate.OneOf(METHODS), metadata={
        "description": "How the times were captured: gps (phone with a fix), no_location (phone without one), "
                       "manual (entered by a coordinator, with a reason)"}),
    "source_system": _text("Which system sent the check-in: null for Caremon's app, else the provider's API client"),
}, name="EvvRowBase")):
    """One carer at one visit: the six data elements of the 21st Century Cures Act and how they were verified."""


class EvvExportSchema(Schema):
    export = fields.String(metadata={"description": "Always evv"})
    date_from = fields.Date()
    date_to = fields.Date()
    contract_id = fields.Integer(allow_none=True)
    provider_id = fields.Integer(allow_none=True)
    contracts = fields.List(fields.Integer())
    columns = fields.List(fields.String(), metadata={"description": "The row keys in CSV column order"})
    rows = fields.Nested(EvvRowSchema, many=True)

