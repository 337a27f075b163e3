"""Package offers: who gets an offer first, what each answer does, and the scheduler's lapse job with explicit now."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from server.care.models import CarePackage
from server.commissioning import offers
from server.commissioning.models import OfferTurn, PackageOffer
from server.db_types import utcnow
from server.directory.models import Client
from server.extensions import db
from tests.builders import (
    OFFER_SETTINGS,
    admin_of,
    offer_body,
    offer_in,
    zone_with_shares,
)
from tests.dbstate import snapshot
from tests.sessions import headers_for


def _turns(offer):
    db.session.refresh(offer)
    return [(t.provider_id, t.outcome) for t in offer.turns]


def test_first_offer_goes_to_the_lead_then_to_whoever_is_furthest_below_their_share(world):
    w, now = world, world.start
    zone = zone_with_shares(w, now)
    a, b = w.alpha.contract.id, w.beta.contract.id
    # Nothing placed: 80% and 20% of one package owed; the lead first.
    assert [p.contract_id for p in offers.queue(zone)] == [a, b]
    for owed in ((0.8, 0.2), (1.6 - 1, 0.4)):  # Alpha is owed more of the first and the second package
        assert owed[0] > owed[1]
        o = offer_in(w, now)
        assert o.turns[0].provider_id == w.alpha.provider.id
        offers.accept(admin_of(w.alpha), o, now)
        db.session.commit()
    # Two placed, both with Alpha: of three, Alpha is owed 2.4 - 2 = 0.4 and Beta 0.6.
    assert [p.contract_id for p in offers.queue(zone)] == [b, a]
    assert offer_in(w, now).turns[0].provider_id == w.beta.provider.id


def test_decline_passes_the_offer_on_and_the_last_decline_leaves_it_unplaced(client, world):
    w, now = world, utcnow()  # answered over HTTP, at the server's own time
    zone_with_shares(w, now)
    offer = offer_in(w, now)
    r = client.post(f"/api/v1/package-offers/{offer.id}/decline", json={"reason": "No carers free in LA9"},
                    headers=headers_for(w.alpha.admin))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["your_turn"] is False
    assert _turns(offer) == [(w.alpha.provider.id, "declined"), (w.beta.provider.id, "waiting")]
    r = client.post(f"/api/v1/package-offers/{offer.id}/decline", json={"reason": "Full"},
                    headers=headers_for(w.beta.admin))
    assert r.status_code == 200
    assert r.get_json()["status"] == "unplaced"
    # Alpha's turn is over: answering again is refused and changes nothing.
    before = snapshot()
    r = client.post(f"/api/v1/package-offers/{offer.id}/accept", headers=headers_for(w.alpha.admin))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "offer_not_yours_to_answer"
    assert snapshot() == before


def test_accepting_places_the_client_and_package_under_the_providers_contract(client, world):
    w, now = world, utcnow()  # answered over HTTP, at the server's own time
    zone_with_shares(w, now)
    offer = offer_in(w, now)
    r = client.post(f"/api/v1/package-offers/{offer.id}/accept", headers=headers_for(w.alpha.admin))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "placed" and body["client_name"] == "Mrs Ada Example"
    placed = db.session.get(Client, body["client_id"])
    assert placed.contract_id == w.alpha.contract.id and placed.postcode == "LA9 6BT"
    package = db.session.scalar(select(CarePackage).where(CarePackage.client_id == placed.id))
    assert (package.weekly_minutes, package.starts_on.isoformat()) == (420, "2026-12-07")
    # The coordinator of the provider now finds the client among its own.
    r = client.get(f"/api/v1/clients/{placed.id}", headers=headers_for(w.alpha.coordinator))
    assert r.status_code == 200


def test_lapse_job_moves_offers_on_once_however_often_it_runs(world):
    w, now = world, world.start
    zone_with_shares(w, now, offer_response_hours=4)
    offer = offer_in(w, now)
    assert offer.turns[0].expires_at == now + timedelta(hours=4)
    assert offers.lapse_turns(now + timedelta(hours=3, minutes=59), OFFER_SETTINGS) == 0
    assert offers.lapse_turns(now + timedelta(hours=4), OFFER_SETTINGS) == 1
    db.session.commit()
    assert offers.lapse_turns(now + timedelta(hours=4), OFFER_SETTINGS) == 0
    assert _turns(offer) == [(w.alpha.provider.id, "expired"), (w.beta.provider.id, "waiting")]
    beta_turn = offer.turns[1]
    assert beta_turn.offered_at == now + timedelta(hours=4)
    assert offers.lapse_turns(now + timedelta(hours=8), OFFER_SETTINGS) == 1
    db.session.commit()
    db.session.refresh(offer)
    assert offer.status == "unplaced" and offer.closed_at == now + timedelta(hours=8)
    assert db.session.scalar(select(func.count()).select_from(OfferTurn)) == 2


def test_answer_after_the_time_is_up_is_refused_even_before_the_job_runs(world):
    w, now = world, world.start
    zone_with_shares(w, now)
    offer = offer_in(w, now)
    try:
        offers.accept(admin_of(w.alpha), offer, now + timedelta(hours=24))
    except Exception as exc:  # noqa: BLE001 - the ApiError is what we look at
        assert exc.code == "offer_lapsed"
    else:
        raise AssertionError("accepted after the time to answer")


def test_provider_sees_only_its_own_offers_without_the_clients_details(client, world):
    w, now = world, utcnow()  # answered over HTTP, at the server's own time
    zone_with_shares(w, now)
    offer = offer_in(w, now)
    mine = client.get("/api/v1/package-offers", headers=headers_for(w.alpha.admin)).get_json()
    assert [o["id"] for o in mine] == [offer.id]
    assert mine[0]["your_turn"] is True and mine[0]["expires_at"]
    assert mine[0]["client_name"] is None and mine[0]["client_address"] is None
    assert mine[0]["postcode_district"] == "LA9" and mine[0]["pattern_summary"].startswith("Daily")
    assert [t["provider_id"] for t in mine[0]["turns"]] == [w.alpha.provider.id]
    assert client.get("/api/v1/package-offers", headers=headers_for(w.beta.admin)).get_json() == []
    assert client.get("/api/v1/package-offers", headers=headers_for(w.gamma.admin)).get_json() == []
    assert client.get("/api/v1/package-offers", headers=headers_for(w.south_officer)).get_json() == []
    council = client.get("/api/v1/package-offers", headers=headers_for(w.officer)).get_json()
    assert council[0]["client_name"] == "Mrs Ada Example"


def test_offer_finds_its_zone_by_location_and_refuses_a_home_in_no_zone(client, world):
    w, now = world, utcnow()  # answered over HTTP, at the server's own time
    zone = zone_with_shares(w, now, postcode_districts=["LA8"])
    body = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in offer_body().items() if k != "zone_id"}
    r = client.post("/api/v1/package-offers", json=body, headers=headers_for(w.officer))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["zone_id"] == zone.id
    before = snapshot()
    far = {**body, "postcode": "CA1 1AA", "lat": 54.89, "lon": -2.93}
    r = client.post("/api/v1/package-offers", json=far, headers=headers_for(w.officer))
    assert r.status_code == 422 and "zone_id" in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before
    assert db.session.scalar(select(func.count()).select_from(PackageOffer)) == 1
