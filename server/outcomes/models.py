"""Outcome reviews: when a client's agreed outcomes are due to be reviewed, and when the review was done."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import BigId, UTCDateTime, utcnow
from server.extensions import db


class OutcomeReview(db.Model):
    """A review of a client's outcomes due on a local date; done_on is set when it takes place.

    Payment by outcomes counts the reviews due in a period that were done by their due date.
    """

    __tablename__ = "outcome_reviews"
    __table_args__ = (Index("ix_outcome_reviews_client_due", "client_id", "due_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
