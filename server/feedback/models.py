"""A family member's rating of one visit, and families' messages to the office."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db_types import BigId, UTCDateTime, utcnow
from server.extensions import db

RATING_MIN, RATING_MAX = 1, 5


class VisitFeedback(db.Model):
    __tablename__ = "visit_feedback"
    __table_args__ = (
        # One say per person per visit: a second post is refused rather than silently piling up.
        UniqueConstraint("visit_id", "user_id"),
        CheckConstraint(f"rating BETWEEN {RATING_MIN} AND {RATING_MAX}", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    rating: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", lazy="joined")


class FamilyMessage(db.Model):
    """A family member's message to the office of the provider caring for their relative; staff mark it read."""

    __tablename__ = "family_messages"
    __table_args__ = (Index("ix_family_messages_provider_created", "provider_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    # The provider at the time of writing: a client moving to another contract does not hand over old messages.
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user = relationship("User", lazy="joined", foreign_keys=[user_id])
    client = relationship("Client", lazy="joined")
