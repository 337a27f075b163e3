"""Zones a council draws (postcode districts, a polygon, or both) and the providers sharing each zone's new work.

A polygon is GeoJSON with [lon, lat] positions, checked with shapely: a closed ring of at least three distinct
points that does not cross itself. A home is in a zone when its postcode district is listed or its location
falls inside the polygon (its edge included). Shares are whole percents summing to 100, one per contract of the
zone's council.
"""
from __future__ import annotations

import math
import re
from datetime import datetime

from shapely.geometry import Point, mapping, shape
from shapely.validation import explain_validity
from sqlalchemy import select

from server.audit.service import record
from server.auth.models import Role
from server.auth.tenancy import Identity
from server.commissioning.models import Zone, ZoneProvider
from server.directory.models import Contract
from server.errors import invalid, not_found
from server.extensions import db
from server.i18n import _

DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


def district_of(postcode: str) -> str:
    """The outward code of a UK postcode ("la9 4aa" -> "LA9"); a district given alone is itself."""
    compact = re.sub(r"\s+", "", postcode.upper())
    return compact[:-3] if len(compact) > 4 else compact


def clean_districts(values: list[str]) -> list[str]:
    found = []
    for value in values:
        code = re.sub(r"\s+", "", value.upper())
        if not DISTRICT.match(code):
            raise invalid("postcode_districts", _("%(code)s is not a postcode district such as LA9", code=value))
        if code not in found:
            found.append(code)
    return found


def clean_polygon(geojson: dict) -> dict:
    """The polygon as stored (closed, outer ring only given), or a 422 saying what is wrong with it."""
    if not isinstance(geojson, dict) or geojson.get("type") != "Polygon":
        raise invalid("polygon", _("Give a GeoJSON Polygon"))
    rings = geojson.get("coordinates")
    if not _rings(rings):
        raise invalid("polygon", _("The polygon's coordinates are not a list of [lon, lat] rings"))
    polygon = shape({"type": "Polygon", "coordinates": rings})
    if polygon.is_empty or len(set(polygon.exterior.coords)) < 3:
        raise invalid("polygon", _("A polygon needs at least three different points"))
    minx, miny, maxx, maxy = polygon.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise invalid("polygon", _("Positions are [longitude, latitude] within -180..180 and -90..90"))
    if not polygon.is_valid:
        raise invalid("polygon", _("The polygon is not valid: %(why)s", why=explain_validity(polygon)))
    return mapping(polygon) | {"coordinates": [[list(p) for p in ring] for ring in mapping(polygon)["coordinates"]]}


def _rings(rings) -> bool:
    """GeoJSON's shape for a polygon: up to 100 rings of 4 to 1,000 [lon, lat] pairs of finite numbers."""
    def position(p):
        return (isinstance(p, list) and len(p) == 2
                and all(isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n) for n in p))
    return (isinstance(rings, list) and 0 < len(rings) <= 100
            and all(isinstance(r, list) and 4 <= len(r) <= 1000 and all(position(p) for p in r) for r in rings))


def contains(zone: Zone, postcode: str | None, lat: float | None, lon: float | None) -> bool:
    if postcode and district_of(postcode) in (zone.postcode_districts or []):
        return True
    if zone.polygon and lat is not None and lon is not None:
        return shape(zone.polygon).intersects(Point(lon, lat))
    return False


def zones_of(ident: Identity, active_only: bool = True) -> list[Zone]:
    stmt = select(Zone).where(Zone.council_id == ident.council_id).order_by(Zone.name, Zone.id)
    return list(db.session.scalars(stmt.where(Zone.active.is_(True)) if active_only else stmt))


def get_zone(ident: Identity, zone_id: int) -> Zone:
    zone = db.session.get(Zone, zone_id)
    if zone is None or ident.role != Role.COUNCIL_OFFICER or zone.council_id != ident.council_id:
        raise not_found(_("Zone not found"))
    return zone


def _apply(zone: Zone, data: dict) -> None:
    if "name" in data:
        zone.name = data["name"].strip()
    if "postcode_districts" in data:
        zone.postcode_districts = clean_districts(data["postcode_districts"] or [])
    if "polygon" in data:
        zone.polygon = None if data["polygon"] is None else clean_polygon(data["polygon"])
    if "offer_response_hours" in data:
        zone.offer_response_hours = data["offer_response_hours"]
    if not zone.postcode_districts and not zone.polygon:
        raise invalid("postcode_districts", _("A zone needs postcode districts, a polygon, or both"))


def create_zone(ident: Identity, data: dict, now: datetime) -> Zone:
    zone = Zone(council_id=ident.council_id, name="", postcode_districts=[], created_at=now)
    _apply(zone, data)
    db.session.add(zone)
    db.session.flush()
    record("zone.create", "zone", zone.id, user_id=ident.user_id, now=now, name=zone.name,
           postcode_districts=zone.postcode_districts, polygon=zone.polygon is not None)
    return zone


def update_zone(ident: Identity, zone: Zone, data: dict, now: datetime) -> Zone:
    _apply(zone, data)
    db.session.flush()
    record("zone.update", "zone", zone.id, user_id=ident.user_id, now=now, fields=sorted(data))
    return zone


def archive_zone(ident: Identity, zone: Zone, now: datetime) -> None:
    """Kept, not deleted: its offers and their history still name it."""
    zone.active = False
    record("zone.archive", "zone", zone.id, user_id=ident.user_id, now=now)


def set_providers(ident: Identity, zone: Zone, shares: list[dict], now: datetime) -> list[ZoneProvider]:
    """Replace the zone's providers and their shares at once; a bad list changes nothing."""
    ids = [s["contract_id"] for s in shares]
    if len(set(ids)) != len(ids):
        raise invalid("providers", _("Each contract may appear once"))
    contracts = {c.id: c for c in db.session.scalars(select(Contract).where(
        Contract.id.in_(ids), Contract.council_id == zone.council_id))}
    for contract_id in ids:
        if contract_id not in contracts:
            raise invalid("providers", _("Contract %(id)s is not one of this council's", id=contract_id))
    if len({c.provider_id for c in contracts.values()}) != len(ids):
        raise invalid("providers", _("Each provider may appear once"))
    if shares and sum(s["share_pct"] for s in shares) != 100:
        raise invalid("providers", _("Shares must add up to 100%% (they add up to %(sum)s%%)",
                                     sum=sum(s["share_pct"] for s in shares)))
    zone.providers.clear()
    db.session.flush()
    for s in shares:
        zone.providers.append(ZoneProvider(contract_id=s["contract_id"], share_pct=s["share_pct"]))
    db.session.flush()
    record("zone.providers", "zone", zone.id, user_id=ident.user_id, now=now,
           shares={str(s["contract_id"]): s["share_pct"] for s in shares})
    return list(zone.providers)
