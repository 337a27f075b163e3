"""The visits behind each number of the risk ranking, chosen by the same expressions the reports count with.

missed_pct and late_pct: the visits punctuality classes missed or late; verified_pct: visits with a check-in
verification classes other than verified; regular_pct: visits a carer attended (checked in); delivered_pct:
visits with delivered carer time; family_rating: visits a family rated; open_exceptions: visits with an
exception still open; undelivered_messages: visits a message about failed or may not have arrived.
"""
from __future__ import annotations

from sqlalchemy import func, select

from server.commissioning.risk import open_exception_visits
from server.directory.models import Client
from server.extensions import db
from server.feedback.models import VisitFeedback
from server.notify.models import UNDELIVERED, Notification
from server.reports import punctuality, verification
from server.reports.scope import Scope
from server.timeutil import to_local
from server.visits.models import Visit, VisitAssignment, VisitStatus

# A drill-down lists at most this many visits; the CSV of the same link carries them all.
PAGE = 500


def _checked_in(*where):
    return select(VisitAssignment.visit_id).where(VisitAssignment.checked_in_at.is_not(None), *where)


BEHIND = {
    "missed_pct": lambda: punctuality.visit_class() == "missed",
    "late_pct": lambda: punctuality.visit_class() == "late",
    "verified_pct": lambda: Visit.id.in_(_checked_in(verification.check_in_class() != "verified")),
    "regular_pct": lambda: Visit.id.in_(_checked_in()) & (Visit.status != VisitStatus.CANCELLED),
    "delivered_pct": lambda: Visit.id.in_(_checked_in(
        VisitAssignment.checked_out_at > VisitAssignment.checked_in_at)) & (Visit.status != VisitStatus.CANCELLED),
    "family_rating": lambda: Visit.id.in_(select(VisitFeedback.visit_id)),
    "open_exceptions": lambda: Visit.id.in_(open_exception_visits()),
    "undelivered_messages": lambda: Visit.id.in_(
        select(Notification.visit_id).where(Notification.status.in_(UNDELIVERED))),
}
COLUMNS = ("visit_id", "local_date", "local_time", "client_id", "client_reference", "client_name", "status",
           "punctuality", "planned_minutes", "flags", "family_rating")


def visits_behind(scope: Scope, kpi: str, limit: int | None = PAGE) -> dict:
    rating = (select(func.avg(VisitFeedback.rating)).where(VisitFeedback.visit_id == Visit.id)
              .correlate(Visit).scalar_subquery())
    stmt = (select(Visit, Client.name, Client.reference, rating).join(Client, Client.id == Visit.client_id)
            .where(*scope.visits(), BEHIND[kpi]()).order_by(Visit.planned_start, Visit.id))
    total = db.session.scalar(select(func.count()).select_from(Visit).where(*scope.visits(), BEHIND[kpi]()))
    rows = []
    for visit, name, reference, mean in db.session.execute(stmt.limit(limit)):
        local = to_local(visit.planned_start, scope.period.tz)
        rows.append({"visit_id": visit.id, "local_date": local.date(), "local_time": local.strftime("%H:%M"),
                     "client_id": visit.client_id, "client_reference": reference, "client_name": name,
                     "status": visit.status, "punctuality": visit.punctuality,
                     "planned_minutes": visit.planned_minutes, "flags": list(visit.flags or []),
                     "family_rating": None if mean is None else round(float(mean), 1)})
    return {"kpi": kpi, "contract_id": scope.contract_id, "total": total, "rows": rows}
