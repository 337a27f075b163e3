"""A provider's API clients, and the provider's own references for the records its systems feed in."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import BigId, UTCDateTime, utcnow
from server.extensions import db

# The role in an API client's token: it acts for its provider, through the feed only.
API_CLIENT_ROLE = "api_client"
FEED_WRITE, EVENTS_WRITE = "feed:write", "events:write"
SCOPES = (FEED_WRITE, EVENTS_WRITE)
# What an external reference can name.
REF_CLIENT, REF_WORKER, REF_VISIT = "client", "worker", "visit"
REF_KINDS = (REF_CLIENT, REF_WORKER, REF_VISIT)


class UpsertStatus(StrEnum):
    """What became of one item of a batch: held items wait for a coordinator, rejected ones were not valid."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    HELD = "held"
    REJECTED = "rejected"


class ApiClient(db.Model):
    """Another system of a provider (its rostering or carer app), allowed to feed Caremon for that provider.

    Only the SHA-256 of the secret is kept: the secret is 256 random bits, so a slow hash adds nothing,
    and the table alone lets no one in."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    client_id: Mapped[str] = mapped_column(String(40), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list] = mapped_column(JSON)
    # Travels in every token; rotating the secret raises it, so tokens issued before are refused.
    token_version: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def role(self) -> str:
        return API_CLIENT_ROLE


class ExternalRef(db.Model):
    """A provider's own reference for one of its clients, workers or visits, unique per provider and kind.

    A table of its own rather than columns on the records: clients carry no provider id to make a reference
    unique per provider, and the visits table, the largest, keeps its shape."""

    __tablename__ = "external_refs"
    __table_args__ = (UniqueConstraint("provider_id", "kind", "external_ref", name="uq_external_refs_provider_ref"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    kind: Mapped[str] = mapped_column(String(8))
    external_ref: Mapped[str] = mapped_column(String(64))
    # The client, worker or visit id, by kind.
    record_id: Mapped[int] = mapped_column(BigId)
    # The name of the API client that first sent the reference.
    source_system: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedRejection(db.Model):
    """How many items of one kind a provider's system had refused for one reason, within one UTC hour.

    Counts rather than the items themselves: a refused item may carry anything, and the council's quality
    report needs only how often and why. Hours let a report cut any local period in whole-hour zones."""

    __tablename__ = "feed_rejections"
    __table_args__ = (UniqueConstraint("provider_id", "source_system", "kind", "reason", "hour",
                                       name="uq_feed_rejections_bucket"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    # The API client's name, as on the events and references it sends.
    source_system: Mapped[str] = mapped_column(String(100))
    # The batch: clients, workers, visits or events.
    kind: Mapped[str] = mapped_column(String(8))
    # The error code the item was answered with.
    reason: Mapped[str] = mapped_column(String(40))
    hour: Mapped[datetime] = mapped_column(UTCDateTime)
    items: Mapped[int] = mapped_column(default=0)
