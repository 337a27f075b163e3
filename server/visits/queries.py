"""Reading visits: a worker's run, a coordinator's filtered list, one visit's timeline."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from flask import current_app
from sqlalchemy import String, cast, inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from server.auth.models import Role
from server.auth.tenancy import Identity
from server.directory.models import Client, Contract, Council
from server.directory.tenancy import family_client_ids
from server.errors import invalid
from server.extensions import db
from server.i18n import _
from server.pagination import page
from server.timeutil import local_day_bounds, local_range_bounds, to_local
from server.visits.models import Visit, VisitAssignment, VisitCorrection, VisitEvent, VisitException
from server.visits.service import still_open
from server.visits.signals import listed, run_listed
from server.visits.tenancy import scope_visits


def tenant_timezone(ident: Identity) -> str:
    """The zone a caller's local dates are in: that of the council they work under or whose care they follow.

    Provider staff and families carry no council in their token, so it is found through their contracts;
    a caller with no contract at all gets the configured default.
    """
    if ident.council_id:
        stmt = select(Council.timezone).where(Council.id == ident.council_id)
    else:
        stmt = select(Council.timezone).join(Contract, Contract.council_id == Council.id).order_by(Contract.id)
        if ident.role == Role.FAMILY:
            stmt = stmt.join(Client, Client.contract_id == Contract.id).where(Client.id.in_(family_client_ids(ident)))
        else:
            stmt = stmt.where(Contract.provider_id == ident.provider_id)
    return db.session.scalar(stmt.limit(1)) or current_app.config["CAREMON"]["default_timezone"]


def run_for(ident: Identity, worker_id: int, day: date | None, now: datetime) -> tuple[date, list[Visit]]:
    """The worker's visits for a local day, in planned order, each with the client's outcomes."""
    tz = tenant_timezone(ident)
    day = day or to_local(now, tz).date()
    start, end = local_day_bounds(day, tz)
    stmt = (
        select(Visit)
        .join(VisitAssignment, VisitAssignment.visit_id == Visit.id)
        .where(VisitAssignment.worker_id == worker_id, VisitAssignment.removed_at.is_(None),
               Visit.planned_start >= start, Visit.planned_start < end)
        .order_by(Visit.planned_start, Visit.id)
    )
    visits = list(db.session.scalars(scope_visits(stmt, ident)).unique())
    run_listed.send(visits)
    attach_open_exceptions(visits)
    return day, visits


def list_visits(ident: Identity, filters: dict) -> tuple[list[Visit], str | None]:
    stmt = scope_visits(select(Visit), ident)
    tz = tenant_timezone(ident)
    first, last = filters.get("date_from"), filters.get("date_to")
    if first or last:
        first, last = first or last, last or first
        if last < first:
            raise invalid("date_to", _("date_to is before date_from"))
        start, end = local_range_bounds(first, last, tz)
        stmt = stmt.where(Visit.planned_start >= start, Visit.planned_start < end)
    status = filters.get("status")
    if status == "exception":
        stmt = stmt.where(Visit.id.in_(select(VisitException.visit_id).where(VisitException.resolved_at.is_(None))))
    elif status:
        stmt = stmt.where(Visit.status == status)
    if filters.get("client_id"):
        stmt = stmt.where(Visit.client_id == filters["client_id"])
    if filters.get("flag"):
        stmt = stmt.where(has_flag(filters["flag"]))
    if filters.get("worker_id"):
        stmt = stmt.where(Visit.id.in_(select(VisitAssignment.visit_id).where(
            VisitAssignment.worker_id == filters["worker_id"], VisitAssignment.removed_at.is_(None))))
    visits, next_cursor = page(db.session, stmt, Visit.planned_start, Visit.id, filters.get("cursor"), filters["limit"])
    attach_open_exceptions(visits)
    listed.send(visits)
    return visits, next_cursor


def has_flag(flag: str):
    """Visits carrying the flag: its quoted name in the stored JSON list, the same on SQLite and PostgreSQL."""
    return cast(Visit.flags, String).like(f'%"{flag}"%')


def attach_open_exceptions(visits: list[Visit]) -> None:
    """Each visit's kinds of open exception, for its answer: from those loaded with it (recording an event loads
    them), and for the others read in one query."""
    unread = [v for v in visits if "open_exceptions" in inspect(v).unloaded]
    if unread:
        found = defaultdict(list)
        for visit_id, exc in db.session.execute(select(Visit.id, VisitException).join(Visit.open_exceptions)
                                                .where(Visit.id.in_([v.id for v in unread]))):
            found[visit_id].append(exc)
        for visit in unread:
            set_committed_value(visit, "open_exceptions", found[visit.id])
    for visit in visits:
        visit.open_exception_kinds = sorted({e.kind for e in still_open(visit)})


def timeline(visit: Visit) -> dict:
    """Everything recorded about a visit, originals and corrections side by side."""
    attach_open_exceptions([visit])
    return {
        "visit": visit,
        "events": db.session.scalars(select(VisitEvent).where(VisitEvent.visit_id == visit.id)
                                     .order_by(VisitEvent.device_time, VisitEvent.id)).all(),
        "corrections": db.session.scalars(select(VisitCorrection).where(VisitCorrection.visit_id == visit.id)
                                          .order_by(VisitCorrection.created_at, VisitCorrection.id)).all(),
        "exceptions": db.session.scalars(select(VisitException).where(VisitException.visit_id == visit.id)
                                         .order_by(VisitException.raised_at, VisitException.id)).all(),
    }
