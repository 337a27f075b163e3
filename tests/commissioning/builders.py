"""Zones and offers for the commissioning tests, made through the services as an officer would."""
from __future__ import annotations

from datetime import date, datetime

from server.auth.tenancy import Identity
from server.commissioning import offers, zones
from server.extensions import db

# A square around Kendal, [lon, lat] as GeoJSON has it.
KENDAL_SQUARE = {"type": "Polygon", "coordinates": [[[-2.80, 54.30], [-2.70, 54.30], [-2.70, 54.36],
                                                      [-2.80, 54.36], [-2.80, 54.30]]]}
SETTINGS = {"offer_response_hours": 24}


def officer_of(w) -> Identity:
    return Identity(user_id=w.officer.id, role="council_officer", council_id=w.north.id)


def admin_of(side) -> Identity:
    return Identity(user_id=side.admin.id, role="provider_admin", provider_id=side.provider.id)


def zone_with_shares(w, now: datetime, shares=((lambda w: w.alpha, 80), (lambda w: w.beta, 20)), **fields):
    ident = officer_of(w)
    zone = zones.create_zone(ident, {"name": "Kendal", "postcode_districts": ["LA9"], "polygon": KENDAL_SQUARE,
                                     **fields}, now)
    zones.set_providers(ident, zone, [{"contract_id": side(w).contract.id, "share_pct": pct} for side, pct in shares],
                        now)
    db.session.commit()
    return zone


def offer_body(**extra) -> dict:
    return {"zone_id": None, "client_name": "Mrs Ada Example", "client_address": "3 Fell View, Kendal",
            "postcode": "LA9 6BT", "lat": 54.328, "lon": -2.746, "weekly_minutes": 420,
            "pattern_summary": "Daily 08:00 for 30 min and 18:00 for 30 min", "needs_summary": "Help to wash and dress",
            "starts_on": date(2026, 12, 7), **extra}


def offer_in(w, now: datetime, **extra):
    offer = offers.create_offer(officer_of(w), offer_body(**extra), SETTINGS, now)
    db.session.commit()
    return offer
