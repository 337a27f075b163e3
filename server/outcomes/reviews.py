"""Outcome reviews: a coordinator plans when a client's outcomes are reviewed and records when it was done."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.directory.models import Client
from server.errors import not_found
from server.extensions import db
from server.i18n import _
from server.outcomes.models import OutcomeReview
from server.visits.tenancy import get_client


def of_client(client: Client) -> list[OutcomeReview]:
    return list(db.session.scalars(select(OutcomeReview).where(OutcomeReview.client_id == client.id)
                                   .order_by(OutcomeReview.due_on, OutcomeReview.id)))


def get_review(ident: Identity, review_id: int) -> OutcomeReview:
    review = db.session.get(OutcomeReview, review_id)
    if review is None:
        raise not_found(_("Outcome review not found"))
    get_client(ident, review.client_id)  # 404 unless the client is in the caller's slice
    return review


def plan_review(ident: Identity, client: Client, data: dict, now: datetime) -> OutcomeReview:
    review = OutcomeReview(client_id=client.id, created_by=ident.user_id, created_at=now, **data)
    if review.done_on is not None:
        review.done_by = ident.user_id
    db.session.add(review)
    db.session.flush()
    record("outcome_reviews.create", "outcome_reviews", review.id, user_id=ident.user_id, now=now,
           client_id=client.id, due_on=review.due_on.isoformat())
    return review


def update_review(ident: Identity, review: OutcomeReview, data: dict, now: datetime) -> OutcomeReview:
    """Record the review as done (or correct it); who recorded it is kept."""
    for name, value in data.items():
        setattr(review, name, value)
    if "done_on" in data:
        review.done_by = ident.user_id if review.done_on is not None else None
    db.session.flush()
    record("outcome_reviews.update", "outcome_reviews", review.id, user_id=ident.user_id, now=now,
           client_id=review.client_id, changed=sorted(data))
    return review
