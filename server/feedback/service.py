"""Giving and reading visit feedback; tenancy is settled by the caller fetching the visit through get_visit."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.auth.models import Role
from server.auth.tenancy import Identity
from server.directory.models import FamilyLink
from server.errors import ApiError
from server.extensions import db
from server.feedback.models import VisitFeedback
from server.i18n import _
from server.unique import insert_once
from server.visits.models import Visit, VisitStatus


def give_feedback(ident: Identity, visit: Visit, data: dict, now: datetime) -> VisitFeedback:
    """A family member's one rating of a delivered (completed) visit: a visit still under way, or one that never
    happened, has nothing to rate yet or ever."""
    if visit.status == VisitStatus.CANCELLED:
        raise ApiError(409, "visit_cancelled", _("This visit was cancelled, so there is nothing to rate"))
    if visit.status == VisitStatus.MISSED:
        raise ApiError(409, "visit_missed", _("Nobody came to this visit, so there is nothing to rate; the office "
                                              "has been told"))
    if visit.planned_start > now:
        raise ApiError(409, "visit_not_started", _("You can say how a visit went once it has started"))
    if visit.status != VisitStatus.COMPLETED:
        raise ApiError(409, "visit_not_delivered", _("You can say how a visit went once the carer has finished it"))
    comment = (data.get("comment") or "").strip() or None
    feedback = VisitFeedback(visit_id=visit.id, user_id=ident.user_id, rating=data["rating"],
                             comment=comment, created_at=now)
    if not insert_once(feedback):
        raise ApiError(409, "feedback_exists", _("You have already said how this visit went"))
    _attach_relationships(visit, [feedback])
    return feedback


def feedback_for(ident: Identity, visit: Visit) -> list[VisitFeedback]:
    """Staff and commissioners see every family member's say; a family member sees their own."""
    stmt = select(VisitFeedback).where(VisitFeedback.visit_id == visit.id)
    if ident.role == Role.FAMILY:
        stmt = stmt.where(VisitFeedback.user_id == ident.user_id)
    items = list(db.session.scalars(stmt.order_by(VisitFeedback.created_at, VisitFeedback.id)))
    _attach_relationships(visit, items)
    return items


def _attach_relationships(visit: Visit, items: list[VisitFeedback]) -> None:
    if not items:
        return
    labels = dict(db.session.execute(select(FamilyLink.user_id, FamilyLink.relationship_label).where(
        FamilyLink.client_id == visit.client_id, FamilyLink.user_id.in_([f.user_id for f in items]))).all())
    for item in items:
        item.relationship_label = labels.get(item.user_id)
