from flask import Response, current_app
from flask_smorest import Blueprint

from server.auth.models import ADMINS, Role
from server.auth.tenancy import current_identity, roles_required
from server.commissioning import evidence, offers, risk, zones
from server.commissioning.models import RiskThresholds
from server.commissioning.placement import zone_figures
from server.commissioning.schemas import (
    EvidenceQuerySchema,
    EvidenceSchema,
    OfferInSchema,
    OfferListQuerySchema,
    OfferReasonSchema,
    OfferSchema,
    RiskQuerySchema,
    RiskSchema,
    ThresholdsSchema,
    ZoneInSchema,
    ZoneProviderSchema,
    ZoneProvidersInSchema,
    ZoneSchema,
)
from server.commissioning.thresholds import defaults, effective
from server.db_types import utcnow
from server.directory.tenancy import get_contract
from server.errors import ErrorSchema
from server.extensions import db
from server.reports.csv_export import to_csv
from server.reports.scope import resolve_scope

bp = Blueprint("commissioning", __name__, url_prefix="/api/v1",
               description="Provider risk ranking, zones with providers' shares, and care packages offered in turn")
NOT_YOURS = ("offer_not_yours_to_answer: the offer is with another provider or closed; "
             "offer_lapsed: the time to answer has passed")


def _settings() -> dict:
    return current_app.config["CAREMON"]


@bp.get("/reports/provider-risk")
@roles_required(*ADMINS)
@bp.arguments(RiskQuerySchema, location="query")
@bp.response(200, RiskSchema)
def provider_risk(query):
    """Every provider of the council's contracts rated Green, Amber or Red, worst first, with its trend;
    a provider admin sees its own contracts only."""
    return risk.provider_risk(current_identity(), _settings(), date_from=query["date_from"],
                              date_to=query["date_to"], periods=query["periods"])


@bp.get("/reports/provider-risk/visits")
@roles_required(*ADMINS)
@bp.arguments(EvidenceQuerySchema, location="query")
@bp.response(200, EvidenceSchema)
def provider_risk_visits(query):
    """The visits behind one KPI of one contract over the period, as JSON (first 500) or CSV (all)."""
    scope = resolve_scope(current_identity(), date_from=query["date_from"], date_to=query["date_to"],
                          contract_id=query["contract_id"])
    if query["format"] == "csv":
        found = evidence.visits_behind(scope, query["kpi"], limit=None)
        lines = ({**row, "flags": " ".join(row["flags"])} for row in found["rows"])
        name = f"caremon-{query['kpi']}-{query['contract_id']}-{query['date_from']}-{query['date_to']}.csv"
        return Response(to_csv(evidence.COLUMNS, lines), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return evidence.visits_behind(scope, query["kpi"])


def _thresholds_answer(contract_id: int) -> dict:
    own = db.session.get(RiskThresholds, contract_id)
    own_lines = own.thresholds if own else {}
    return {"thresholds": own_lines, "defaults": defaults(_settings()), "effective": effective(_settings(), own_lines)}


@bp.get("/contracts/<int:contract_id>/risk-thresholds")
@roles_required(*ADMINS)
@bp.response(200, ThresholdsSchema)
def get_risk_thresholds(contract_id):
    """The contract's own amber and red lines, the defaults, and the lines in force."""
    return _thresholds_answer(get_contract(current_identity(), contract_id).id)


@bp.put("/contracts/<int:contract_id>/risk-thresholds")
@roles_required(Role.COUNCIL_OFFICER)
@bp.arguments(ThresholdsSchema)
@bp.response(200, ThresholdsSchema)
def put_risk_thresholds(body, contract_id):
    """Replace the contract's own lines; KPIs left out go back to the defaults."""
    ident = current_identity()
    contract = get_contract(ident, contract_id)
    risk.set_thresholds(ident, contract, body["thresholds"], utcnow())
    db.session.flush()
    answer = _thresholds_answer(contract.id)
    db.session.commit()
    return answer


def _zone_answer(zone, figures: dict | None = None) -> dict:
    figures = figures or zone_figures([zone])
    return {**{c: getattr(zone, c) for c in ("id", "name", "postcode_districts", "polygon", "offer_response_hours",
                                              "active", "providers")}, "figures": figures[zone.id]}


@bp.get("/zones")
@roles_required(Role.COUNCIL_OFFICER)
@bp.response(200, ZoneSchema(many=True))
def list_zones():
    """The council's zones with their providers, shares and placement figures."""
    found = zones.zones_of(current_identity())
    figures = zone_figures(found)
    return [_zone_answer(z, figures) for z in found]


@bp.post("/zones")
@roles_required(Role.COUNCIL_OFFICER)
@bp.arguments(ZoneInSchema)
@bp.response(201, ZoneSchema)
def create_zone(body):
    zone = zones.create_zone(current_identity(), body, utcnow())
    answer = _zone_answer(zone)
    db.session.commit()
    return answer


@bp.get("/zones/<int:zone_id>")
@roles_required(Role.COUNCIL_OFFICER)
@bp.response(200, ZoneSchema)
def get_zone(zone_id):
    return _zone_answer(zones.get_zone(current_identity(), zone_id))


@bp.patch("/zones/<int:zone_id>")
@roles_required(Role.COUNCIL_OFFICER)
@bp.arguments(ZoneInSchema(partial=True))
@bp.response(200, ZoneSchema)
def update_zone(body, zone_id):
    ident = current_identity()
    zone = zones.update_zone(ident, zones.get_zone(ident, zone_id), body, utcnow())
    answer = _zone_answer(zone)
    db.session.commit()
    return answer


@bp.delete("/zones/<int:zone_id>")
@roles_required(Role.COUNCIL_OFFICER)
@bp.response(204)
def archive_zone(zone_id):
    """Archive the zone: new offers no longer go to it; its offers and their history stay."""
    ident = current_identity()
    zones.archive_zone(ident, zones.get_zone(ident, zone_id), utcnow())
    db.session.commit()


@bp.get("/zones/<int:zone_id>/providers")
@roles_required(Role.COUNCIL_OFFICER)
@bp.response(200, ZoneProviderSchema(many=True))
def zone_providers(zone_id):
    return zones.get_zone(current_identity(), zone_id).providers


@bp.put("/zones/<int:zone_id>/providers")
@roles_required(Role.COUNCIL_OFFICER)
@bp.arguments(ZoneProvidersInSchema)
@bp.response(200, ZoneProviderSchema(many=True))
def set_zone_providers(body, zone_id):
    """Replace the zone's providers and shares (whole percents adding up to 100)."""
    ident = current_identity()
    result = zones.set_providers(ident, zones.get_zone(ident, zone_id), body["providers"], utcnow())
    db.session.commit()
    return result


@bp.post("/package-offers")
@roles_required(Role.COUNCIL_OFFICER)
@bp.arguments(OfferInSchema)
@bp.response(201, OfferSchema)
def create_offer(body):
    """Offer a new care package to its zone's providers, the one furthest below its share first."""
    ident = current_identity()
    offer = offers.create_offer(ident, body, _settings(), utcnow())
    answer = offers.shown_to(ident, offer)
    db.session.commit()
    return answer


@bp.get("/package-offers")
@roles_required(*ADMINS)
@bp.arguments(OfferListQuerySchema, location="query")
@bp.response(200, OfferSchema(many=True))
def list_offers(query):
    """The council's offers, newest first; a provider admin's: the offers it has been given."""
    ident = current_identity()
    return [offers.shown_to(ident, o) for o in offers.list_offers(ident, query["status"])]


@bp.get("/package-offers/<int:offer_id>")
@roles_required(*ADMINS)
@bp.response(200, OfferSchema)
def get_offer(offer_id):
    ident = current_identity()
    return offers.shown_to(ident, offers.get_offer(ident, offer_id))


def _answer(offer_id, act):
    ident = current_identity()
    offer = act(ident, offers.get_offer(ident, offer_id))
    answer = offers.shown_to(ident, offer)
    db.session.commit()
    return answer


@bp.post("/package-offers/<int:offer_id>/accept")
@roles_required(Role.PROVIDER_ADMIN)
@bp.response(200, OfferSchema)
@bp.alt_response(409, schema=ErrorSchema, description=NOT_YOURS)
def accept_offer(offer_id):
    """Take the package: the client and the care package are created under the provider's contract."""
    return _answer(offer_id, lambda ident, offer: offers.accept(ident, offer, utcnow()))


@bp.post("/package-offers/<int:offer_id>/decline")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(OfferReasonSchema)
@bp.response(200, OfferSchema)
@bp.alt_response(409, schema=ErrorSchema, description=NOT_YOURS)
def decline_offer(body, offer_id):
    """Say no, with a reason; the offer goes on to the next provider."""
    return _answer(offer_id, lambda ident, offer: offers.decline(ident, offer, body["reason"], _settings(), utcnow()))


@bp.post("/package-offers/<int:offer_id>/withdraw")
@roles_required(Role.COUNCIL_OFFICER)
@bp.arguments(OfferReasonSchema)
@bp.response(200, OfferSchema)
@bp.alt_response(409, schema=ErrorSchema,
                 description="offer_closed: the offer is already placed, unplaced or withdrawn")
def withdraw_offer(body, offer_id):
    return _answer(offer_id, lambda ident, offer: offers.withdraw(ident, offer, body["reason"], utcnow()))
