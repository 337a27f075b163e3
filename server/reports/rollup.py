"""Stored KPI figures per contract and local day, counted again from the visits whenever they may be out of date.

A year's KPIs read a few thousand stored rows instead of joining millions of visits and carers. Before a
report reads them, refresh() counts again every day of its period that was never counted (in the council's
current zone) or that a change note (reports/changes.py) names, in one pass per table over just those days,
and commits. So a report is never wrong, only slower after many changes. The stored figures serve reports
without a flag filter whose contracts all keep their council's zone, the period's zone; others count directly.

The figures are the reports' own definitions (punctuality.visit_class, verification.check_in_class, ...),
summed per day: a day sits wholly in one week or block, and every visit in one day.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import BigInteger, Date, case, cast, delete, func, insert, literal, select, text

from server.extensions import db
from server.reports.classes import check_in_class, check_in_method, short_class, visit_class
from server.reports.models import ReportAttendanceDay, ReportChange, ReportClientDay, ReportDay, ReportDayCount
from server.reports.periods import Span
from server.reports.scope import Scope
from server.reports.sql import bucket_index, seconds_between
from server.timeutil import local_day_bounds, to_local
from server.visits.models import Visit, VisitAssignment, VisitStatus

# Any fixed number: refreshes of one database take turns on it (PostgreSQL; SQLite writes one at a time anyway).
_LOCK = 7_214_003


def usable(scope: Scope) -> bool:
    """Whether the stored days can answer for this scope (else the report counts from the visits)."""
    return scope.flag is None and all(c.council.timezone == scope.period.tz for c in scope.contracts)


def refresh(scope: Scope) -> None:
    """Count again the days of the scope's period that are not stored or not current, and commit."""
    ids, period = scope.contract_ids, scope.period
    if not ids:
        return
    start, end = period.bounds
    counted = set(db.session.execute(select(ReportDay.contract_id, ReportDay.day).where(
        ReportDay.contract_id.in_(ids), ReportDay.day >= period.first, ReportDay.day <= period.last,
        ReportDay.tz == period.tz)))
    changes = db.session.execute(select(ReportChange.id, ReportChange.contract_id, ReportChange.planned_start).where(
        ReportChange.contract_id.in_(ids), ReportChange.planned_start >= start,
        ReportChange.planned_start < end)).all()
    days = [period.first + timedelta(d) for d in range((period.last - period.first).days + 1)]
    stale = {(c, d) for c in ids for d in days if (c, d) not in counted}
    stale |= {(c, to_local(s, period.tz).date()) for _, c, s in changes}
    if not stale:
        return
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
    contracts = sorted({c for c, _ in stale})
    _count(contracts, min(d for _, d in stale), max(d for _, d in stale), period.tz)
    db.session.execute(delete(ReportChange).where(ReportChange.id.in_([i for i, _, _ in changes])))
    db.session.commit()


def _count(contracts: list[int], first: date, last: date, tz: str) -> None:
    """Replace the stored figures of these contracts' days first..last with counts from the visits."""
    days = [first + timedelta(d) for d in range((last - first).days + 1)]
    start, end = local_day_bounds(first, tz)[0], local_day_bounds(last, tz)[1]
    kept = (ReportDay, ReportDayCount, ReportClientDay, ReportAttendanceDay)
    for model in kept:
        db.session.execute(delete(model).where(model.contract_id.in_(contracts), model.day >= first,
                                               model.day <= last))
    planned = (Visit.contract_id.in_(contracts), Visit.planned_start >= start, Visit.planned_start < end)
    day = _local_day(Visit.planned_start, days, tz)
    visits = select(Visit.contract_id, day.label("day")).where(*planned)
    carers = (select(Visit.contract_id, day.label("day"))
              .join(VisitAssignment, VisitAssignment.visit_id == Visit.id).where(*planned))

    for figures in (_punctuality(visits), _short_visits(visits), _verification(carers)):
        db.session.execute(insert(ReportDayCount).from_select(["contract_id", "day", "figure", "n"], figures))
    db.session.execute(insert(ReportClientDay).from_select(
        ["contract_id", "day", "client_id", "seconds", "visits"], _delivered(carers)))
    db.session.execute(insert(ReportAttendanceDay).from_select(
        ["contract_id", "day", "client_id", "worker_id", "attendances"], _attended(carers)))
    db.session.execute(insert(ReportDay), [{"contract_id": c, "day": d, "tz": tz} for c in contracts for d in days])


def _grouped(sub, *columns):
    keys = [sub.c.contract_id, sub.c.day, *columns]
    return select(*keys, func.count()).group_by(*keys)


def _punctuality(visits):
    sub = visits.add_columns((literal("punctuality:") + visit_class()).label("figure")).subquery()
    return _grouped(sub, sub.c.figure)


def _short_visits(visits):
    sub = visits.add_columns((literal("short:") + short_class()).label("figure")).where(
        Visit.status == VisitStatus.COMPLETED, Visit.started_at.is_not(None), Visit.ended_at.is_not(None)).subquery()
    return _grouped(sub, sub.c.figure)


def _verification(carers):
    """Check-ins by class and method together ("verification:outside:method_gps")."""
    figure = literal("verification:") + check_in_class() + literal(":") + check_in_method()
    sub = carers.add_columns(figure.label("figure")).where(VisitAssignment.checked_in_at.is_not(None)).subquery()
    return _grouped(sub, sub.c.figure)


def _delivered(carers):
    sub = carers.add_columns(
        Visit.client_id, Visit.id.label("visit_id"),
        seconds_between(VisitAssignment.checked_in_at, VisitAssignment.checked_out_at).label("seconds"),
    ).where(Visit.status != VisitStatus.CANCELLED, VisitAssignment.checked_in_at.is_not(None),
            VisitAssignment.checked_out_at.is_not(None),
            VisitAssignment.checked_out_at > VisitAssignment.checked_in_at).subquery()
    return select(sub.c.contract_id, sub.c.day, sub.c.client_id, func.sum(sub.c.seconds),
                  func.count(func.distinct(sub.c.visit_id))).group_by(sub.c.contract_id, sub.c.day, sub.c.client_id)


def _attended(carers):
    sub = carers.add_columns(Visit.client_id, VisitAssignment.worker_id).where(
        Visit.status != VisitStatus.CANCELLED, VisitAssignment.checked_in_at.is_not(None)).subquery()
    return _grouped(sub, sub.c.client_id, sub.c.worker_id)


def _local_day(column, days: list[date], tz: str):
    """The local date (in tz) of a UTC instant known to fall within days: a balanced CASE over the midnights."""
    starts = [local_day_bounds(d, tz)[0] for d in days]

    def tree(lo: int, hi: int):
        if lo == hi:
            return literal(days[lo], Date)
        mid = (lo + hi + 1) // 2
        return case((column < starts[mid], tree(lo, mid - 1)), else_=tree(mid, hi))

    return tree(0, len(days) - 1)


def day_counts(scope: Scope, kind: str) -> list[tuple[date, str, int]]:
    """(day, figure without its kind, count) of the scope's stored days, summed over its contracts."""
    period = scope.period
    rows = db.session.execute(
        select(ReportDayCount.day, ReportDayCount.figure, func.sum(ReportDayCount.n))
        .where(ReportDayCount.contract_id.in_(scope.contract_ids), ReportDayCount.day >= period.first,
               ReportDayCount.day <= period.last, ReportDayCount.figure.startswith(f"{kind}:"))
        .group_by(ReportDayCount.day, ReportDayCount.figure))
    return [(day, figure.split(":", 1)[1], int(n)) for day, figure, n in rows]


def client_spans(scope: Scope, spans: list[Span]):
    """(client, index of the span, delivered seconds, visits) from the scope's stored days."""
    period = scope.period
    starts = [s.first for s in spans] + [spans[-1].last + timedelta(1)]
    sub = select(ReportClientDay.client_id, ReportClientDay.seconds, ReportClientDay.visits,
                 bucket_index(ReportClientDay.day, starts).label("bucket")).where(
        ReportClientDay.contract_id.in_(scope.contract_ids), ReportClientDay.day >= period.first,
        ReportClientDay.day <= period.last).subquery()
    return db.session.execute(select(sub.c.client_id, sub.c.bucket, func.sum(sub.c.seconds), func.sum(sub.c.visits))
                              .group_by(sub.c.client_id, sub.c.bucket))


def attendances(scope: Scope):
    """A selectable of (client_id, worker_id, attendances) over the scope's stored days."""
    period = scope.period
    return (select(ReportAttendanceDay.client_id, ReportAttendanceDay.worker_id,
                   cast(func.sum(ReportAttendanceDay.attendances), BigInteger).label("attendances"))
            .where(ReportAttendanceDay.contract_id.in_(scope.contract_ids), ReportAttendanceDay.day >= period.first,
                   ReportAttendanceDay.day <= period.last)
            .group_by(ReportAttendanceDay.client_id, ReportAttendanceDay.worker_id))
