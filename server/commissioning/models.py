"""What a council commissions beyond contracts: risk thresholds per contract, zones with providers' shares of
new work, and care packages offered to those providers in turn."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db_types import BigId, UTCDateTime, utcnow
from server.directory.models import Contract
from server.extensions import db


class OfferStatus(StrEnum):
    """An offer waits on one provider at a time; it ends placed (a provider took it), unplaced (every provider of
    the zone declined or let it lapse) or withdrawn (the council took it back)."""

    OPEN = "open"
    PLACED = "placed"
    UNPLACED = "unplaced"
    WITHDRAWN = "withdrawn"


class TurnOutcome(StrEnum):
    """One provider's turn with an offer: waiting for an answer, then accepted, declined (with a reason) or expired."""

    WAITING = "waiting"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class RiskThresholds(db.Model):
    """A contract's own amber and red lines for the provider risk ranking; KPIs it leaves out keep the defaults."""

    __tablename__ = "contract_risk_thresholds"

    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), primary_key=True)
    # {"missed_pct": {"amber": 1.0, "red": 3.0}, ...}
    thresholds: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Zone(db.Model):
    """An area of a council: postcode districts ("LA9"), a polygon drawn on the map (GeoJSON), or both."""

    __tablename__ = "zones"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    postcode_districts: Mapped[list] = mapped_column(JSON, default=list)
    # A GeoJSON Polygon, [lon, lat] positions as GeoJSON has them.
    polygon: Mapped[dict | None] = mapped_column(JSON)
    # Hours a provider has to answer an offer here; None takes the setting offer_response_hours.
    offer_response_hours: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    providers: Mapped[list[ZoneProvider]] = relationship(
        lazy="selectin", order_by="ZoneProvider.share_pct.desc(), ZoneProvider.contract_id",
        cascade="all, delete-orphan")


class ZoneProvider(db.Model):
    """A provider's share of new work in a zone, through its contract with the zone's council."""

    __tablename__ = "zone_providers"
    __table_args__ = (UniqueConstraint("zone_id", "contract_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    share_pct: Mapped[int]

    contract: Mapped[Contract] = relationship(lazy="joined")


class PackageOffer(db.Model):
    """A new care package looking for a provider in a zone.

    Providers see the area, hours and pattern while it is offered; the client's name and address are kept for
    the one that accepts, whose contract gets the client and the package.
    """

    __tablename__ = "package_offers"
    __table_args__ = (Index("ix_package_offers_zone_status", "zone_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"))
    client_name: Mapped[str] = mapped_column(String(200))
    client_address: Mapped[str] = mapped_column(String(400))
    postcode: Mapped[str] = mapped_column(String(16))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    weekly_minutes: Mapped[int]
    pattern_summary: Mapped[str] = mapped_column(String(400))
    needs_summary: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default=OfferStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    placed_contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))

    turns: Mapped[list[OfferTurn]] = relationship(lazy="selectin", order_by="OfferTurn.id")


class OfferTurn(db.Model):
    """One provider's turn with an offer, from when it was offered to its answer or its lapse."""

    __tablename__ = "package_offer_turns"
    __table_args__ = (
        UniqueConstraint("offer_id", "contract_id"),
        # The scheduler's job walks the turns still waiting, by when they lapse.
        Index("ix_offer_turns_waiting", "outcome", "expires_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("package_offers.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(10), default=TurnOutcome.WAITING)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
