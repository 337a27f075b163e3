"""Offering a new care package to a zone's providers one at a time, and what each answer does.

Order: the provider furthest below its share of the zone's placed packages goes first. With P packages placed
so far, a provider holding share s% and n of them is owed s/100 x (P + 1) - n of the next one; the largest
debt goes first, ties to the larger share, then the older contract. Each provider gets the offer once. It has
offer_response_hours (the zone's own, else the setting) to accept or decline with a reason; silence lapses the
turn. A decline or a lapse passes the offer on to the next provider; when none is left it is unplaced.
Accepting places the package: the client and the care package are created under the provider's contract.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from server.audit.service import record
from server.auth.models import Role
from server.auth.tenancy import Identity
from server.care.models import CarePackage
from server.commissioning.models import OfferStatus, OfferTurn, PackageOffer, TurnOutcome, Zone, ZoneProvider
from server.commissioning.zones import contains, district_of, get_zone, zones_of
from server.directory.models import Client, Provider
from server.errors import ApiError, invalid, not_found
from server.extensions import db
from server.i18n import _


def placed_counts(zone_id: int) -> Counter:
    return Counter(dict(db.session.execute(
        select(PackageOffer.placed_contract_id, func.count()).where(
            PackageOffer.zone_id == zone_id, PackageOffer.status == OfferStatus.PLACED)
        .group_by(PackageOffer.placed_contract_id)).all()))


def queue(zone: Zone, skip: set[int] = frozenset()) -> list[ZoneProvider]:
    """The zone's providers in the order the next offer goes to them, leaving out those in skip."""
    placed = placed_counts(zone.id)
    total = sum(placed.values())
    owed = {p.contract_id: p.share_pct * (total + 1) / 100 - placed[p.contract_id] for p in zone.providers}
    return sorted((p for p in zone.providers if p.contract_id not in skip and p.share_pct > 0),
                  key=lambda p: (-owed[p.contract_id], -p.share_pct, p.contract_id))


def response_hours(zone: Zone, settings: dict) -> int:
    return zone.offer_response_hours or settings["offer_response_hours"]


def _zone_for(ident: Identity, data: dict) -> Zone:
    if data.get("zone_id") is not None:
        zone = get_zone(ident, data["zone_id"])
        if not zone.active:
            raise invalid("zone_id", _("This zone is archived"))
        return zone
    found = [z for z in zones_of(ident) if contains(z, data["postcode"], data["lat"], data["lon"])]
    if not found:
        raise invalid("zone_id", _("No zone holds this postcode or location; choose a zone"))
    if len(found) > 1:
        raise invalid("zone_id", _("This home is in more than one zone (%(names)s); choose one",
                                   names=", ".join(z.name for z in found)))
    return found[0]


def create_offer(ident: Identity, data: dict, settings: dict, now: datetime) -> PackageOffer:
    zone = _zone_for(ident, data)
    if not queue(zone):
        raise invalid("zone_id", _("Zone %(name)s has no providers to offer to", name=zone.name))
    fields = {k: data[k] for k in ("client_name", "client_address", "postcode", "lat", "lon", "weekly_minutes",
                                   "pattern_summary", "needs_summary", "starts_on")}
    offer = PackageOffer(council_id=ident.council_id, zone_id=zone.id, status=OfferStatus.OPEN, created_at=now,
                         created_by=ident.user_id, **fields)
    db.session.add(offer)
    db.session.flush()
    record("package_offer.create", "package_offer", offer.id, user_id=ident.user_id, now=now, zone_id=zone.id,
           weekly_minutes=offer.weekly_minutes)
    _next_turn(offer, zone, settings, now)
    return offer


def _next_turn(offer: PackageOffer, zone: Zone, settings: dict, now: datetime) -> OfferTurn | None:
    """Offer it to the next provider in the queue, or mark it unplaced when everyone has had a turn."""
    had = {t.contract_id for t in offer.turns}
    waiting = queue(zone, had)
    if not waiting:
        offer.status, offer.closed_at = OfferStatus.UNPLACED, now
        record("package_offer.unplaced", "package_offer", offer.id, user_id=None, now=now)
        return None
    nxt = waiting[0]
    turn = OfferTurn(offer_id=offer.id, contract_id=nxt.contract_id, provider_id=nxt.contract.provider_id,
                     offered_at=now, expires_at=now + timedelta(hours=response_hours(zone, settings)),
                     outcome=TurnOutcome.WAITING)
    offer.turns.append(turn)
    db.session.flush()
    return turn


def current_turn(offer: PackageOffer) -> OfferTurn | None:
    return next((t for t in offer.turns if t.outcome == TurnOutcome.WAITING), None)


def scope_offers(stmt, ident: Identity):
    """A council officer sees the council's offers; a provider admin only the offers it has been given."""
    if ident.role == Role.COUNCIL_OFFICER:
        return stmt.where(PackageOffer.council_id == ident.council_id)
    if ident.role == Role.PROVIDER_ADMIN:
        mine = select(OfferTurn.offer_id).where(OfferTurn.provider_id == ident.provider_id)
        return stmt.where(PackageOffer.id.in_(mine))
    return stmt.where(False)


def get_offer(ident: Identity, offer_id: int) -> PackageOffer:
    offer = db.session.scalar(scope_offers(select(PackageOffer).where(PackageOffer.id == offer_id), ident))
    if offer is None:
        raise not_found(_("Package offer not found"))
    return offer


def list_offers(ident: Identity, status: str | None) -> list[PackageOffer]:
    stmt = scope_offers(select(PackageOffer), ident).order_by(PackageOffer.created_at.desc(), PackageOffer.id.desc())
    if status:
        stmt = stmt.where(PackageOffer.status == status)
    return list(db.session.scalars(stmt.limit(500)))


def _my_turn(ident: Identity, offer: PackageOffer, now: datetime) -> OfferTurn:
    turn = current_turn(offer)
    if offer.status != OfferStatus.OPEN or turn is None or turn.provider_id != ident.provider_id:
        raise ApiError(409, "offer_not_yours_to_answer", _("This offer is no longer waiting for your answer"))
    if now >= turn.expires_at:
        raise ApiError(409, "offer_lapsed", _("The time to answer this offer has passed"))
    return turn


def _close_turn(turn: OfferTurn, outcome: str, now: datetime, user_id: int | None = None,
                reason: str | None = None) -> None:
    """End a waiting turn, guarded by its state: of two answers racing (two admins, or an answer and the lapse
    job), one wins and the other is told the offer is no longer waiting for it."""
    moved = db.session.execute(
        update(OfferTurn)
        .where(OfferTurn.id == turn.id, OfferTurn.outcome == TurnOutcome.WAITING)
        .values(outcome=outcome, answered_at=now, answered_by=user_id, reason=reason)
    )
    if not moved.rowcount:
        raise ApiError(409, "offer_not_yours_to_answer", _("This offer is no longer waiting for your answer"))
    db.session.refresh(turn)


def accept(ident: Identity, offer: PackageOffer, now: datetime) -> PackageOffer:
    """Place the package with this provider: the client and the care package under its contract."""
    turn = _my_turn(ident, offer, now)
    _close_turn(turn, TurnOutcome.ACCEPTED, now, ident.user_id)
    client = Client(contract_id=turn.contract_id, name=offer.client_name, address=offer.client_address,
                    postcode=offer.postcode, lat=offer.lat, lon=offer.lon, created_at=now)
    db.session.add(client)
    db.session.flush()
    db.session.add(CarePackage(client_id=client.id, weekly_minutes=offer.weekly_minutes, starts_on=offer.starts_on))
    offer.status, offer.closed_at = OfferStatus.PLACED, now
    offer.placed_contract_id, offer.client_id = turn.contract_id, client.id
    db.session.flush()
    record("package_offer.accept", "package_offer", offer.id, user_id=ident.user_id, now=now,
           contract_id=turn.contract_id, client_id=client.id)
    return offer


def decline(ident: Identity, offer: PackageOffer, reason: str, settings: dict, now: datetime) -> PackageOffer:
    turn = _my_turn(ident, offer, now)
    _close_turn(turn, TurnOutcome.DECLINED, now, ident.user_id, reason)
    record("package_offer.decline", "package_offer", offer.id, user_id=ident.user_id, now=now,
           contract_id=turn.contract_id, reason=reason)
    _next_turn(offer, db.session.get(Zone, offer.zone_id), settings, now)
    return offer


def withdraw(ident: Identity, offer: PackageOffer, reason: str, now: datetime) -> PackageOffer:
    if offer.status != OfferStatus.OPEN:
        raise ApiError(409, "offer_closed", _("This offer is already %(status)s", status=offer.status))
    for turn in offer.turns:
        if turn.outcome == TurnOutcome.WAITING:
            turn.outcome, turn.answered_at = TurnOutcome.WITHDRAWN, now
    offer.status, offer.closed_at = OfferStatus.WITHDRAWN, now
    record("package_offer.withdraw", "package_offer", offer.id, user_id=ident.user_id, now=now, reason=reason)
    return offer


def lapse_turns(now: datetime, settings: dict) -> int:
    """The scheduler's job: turns past their time lapse and their offers move on. Safe to run any number of times:
    a turn lapses only from waiting, so a second run (or a scheduler racing an answer) finds nothing to do."""
    lapsed = 0
    due = db.session.scalars(
        select(OfferTurn)
        .where(OfferTurn.outcome == TurnOutcome.WAITING, OfferTurn.expires_at <= now)
        .order_by(OfferTurn.expires_at, OfferTurn.id)
    )
    for turn in list(due):
        try:
            _close_turn(turn, TurnOutcome.EXPIRED, now)
        except ApiError:
            continue  # answered meanwhile
        offer = db.session.get(PackageOffer, turn.offer_id)
        db.session.refresh(offer)
        record("package_offer.lapse", "package_offer", offer.id, user_id=None, now=now, contract_id=turn.contract_id)
        _next_turn(offer, db.session.get(Zone, offer.zone_id), settings, now)
        lapsed += 1
    return lapsed


def shown_to(ident: Identity, offer: PackageOffer) -> dict:
    """The offer as the caller may see it: a provider gets the area, hours and pattern, its own turn, and the
    client's name and address only once the package is placed with it."""
    zone = db.session.get(Zone, offer.zone_id)
    turn = current_turn(offer)
    names = dict(db.session.execute(select(Provider.id, Provider.name).where(
        Provider.id.in_({t.provider_id for t in offer.turns}))).all())
    turns = [{"contract_id": t.contract_id, "provider_id": t.provider_id, "provider_name": names[t.provider_id],
              "offered_at": t.offered_at, "expires_at": t.expires_at, "outcome": t.outcome,
              "answered_at": t.answered_at, "reason": t.reason} for t in offer.turns]
    council = ident.role == Role.COUNCIL_OFFICER
    if not council:
        turns = [t for t in turns if t["provider_id"] == ident.provider_id]
    placed_here = offer.placed_contract_id is not None and any(
        t["contract_id"] == offer.placed_contract_id for t in turns)
    personal = council or placed_here
    return {
        "id": offer.id, "zone_id": zone.id, "zone_name": zone.name, "postcode_district": district_of(offer.postcode),
        "weekly_minutes": offer.weekly_minutes, "pattern_summary": offer.pattern_summary,
        "needs_summary": offer.needs_summary, "starts_on": offer.starts_on, "status": offer.status,
        "created_at": offer.created_at, "closed_at": offer.closed_at,
        "expires_at": turn.expires_at if turn and (council or turn.provider_id == ident.provider_id) else None,
        "your_turn": bool(turn and not council and turn.provider_id == ident.provider_id),
        "placed_contract_id": offer.placed_contract_id if personal else None,
        "client_id": offer.client_id if personal else None,
        "client_name": offer.client_name if personal else None,
        "client_address": offer.client_address if personal else None,
        "postcode": offer.postcode if personal else None,
        "turns": turns,
    }
