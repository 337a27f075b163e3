"""Stored KPI figures per contract and local day, counted again from the visits whenever they may be out of date.

A year's KPIs read a few thousand stored rows instead of joining millions of visits and carers. Before a
report reads them, refresh() counts again every day of its period that was never counted (in the council's
current zone) or that a change note (reports/changes.py) names, in one pass per table over just those days,
and commits. So a report is never wrong, only slower after many changes. The stored figures serve reports
without a flag filter whose contracts all keep their council's zone, the period's zone; others count directly.

The figures are the reports' own definitions (reports/classes.py: visit_class, check_in_class, flag_figures, ...),
summed per day: a day sits wholly in one week or block, and every visit in one day.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import BigInteger, Date, Text, and_, case, cast, delete, func, insert, literal, or_, select, text

from server.directory.models import Contract, Council
from server.extensions import db
from server.reports.classes import check_in_class, check_in_method, flag_tally, short_class, visit_class
from server.reports.models import ReportAttendanceDay, ReportChange, ReportClientDay, ReportDay, ReportDayCount
from server.reports.periods import Period, Span
from server.reports.scope import Scope
from server.reports.sql import bucket_index, local_date, roomy, seconds_between
from server.timeutil import local_day_bounds, to_local
from server.visits.models import Visit, VisitAssignment, VisitStatus

# The tables that also keep sums of whole weeks or months: their keys and summed columns, and the unit.
SUMMED = {ReportClientDay: (("client_id",), ("seconds", "visits")),
          ReportAttendanceDay: (("client_id", "worker_id"), ("attendances",))}
SPANS = {ReportClientDay: "week", ReportAttendanceDay: "month"}
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


def refresh_councils(now: datetime, days: int = 400) -> int:
    """Count ahead of the readers: every council's stale days of the last `days` local days (a year's KPIs
    and more), so no report request pays for a first count or a busy day's changes. The scheduler runs it;
    returns how many contracts it looked at."""
    looked = 0
    for council in db.session.scalars(select(Council)).all():
        contracts = tuple(db.session.scalars(select(Contract).where(Contract.council_id == council.id)))
        if not contracts:
            continue
        today = to_local(now, council.timezone).date()
        refresh(Scope(Period(today - timedelta(days), today, council.timezone), contracts))
        looked += len(contracts)
    return looked


def _count(contracts: list[int], first: date, last: date, tz: str) -> None:
    """Replace the stored figures of these contracts' days first..last with counts from the visits."""
    days = [first + timedelta(d) for d in range((last - first).days + 1)]
    start, end = local_day_bounds(first, tz)[0], local_day_bounds(last, tz)[1]
    for model in (ReportDay, ReportDayCount, ReportClientDay, ReportAttendanceDay):
        db.session.execute(delete(model).where(model.contract_id.in_(contracts), model.day >= first,
                                               model.day <= last, *_days_only(model)))
    planned = (Visit.contract_id.in_(contracts), Visit.planned_start >= start, Visit.planned_start < end)
    day = local_date(Visit.planned_start, days, tz)
    visits = select(Visit.contract_id, day.label("day")).where(*planned)
    carers = (select(Visit.contract_id, day.label("day"))
              .join(VisitAssignment, VisitAssignment.visit_id == Visit.id).where(*planned))

    for figures in (_punctuality(visits), _short_visits(visits), _verification(carers)):
        db.session.execute(insert(ReportDayCount).from_select(["contract_id", "day", "figure", "n"], figures))
    flagged = _flags(visits)
    if flagged:
        db.session.execute(insert(ReportDayCount), flagged)
    db.session.execute(insert(ReportClientDay).from_select(
        ["contract_id", "day", "client_id", "seconds", "visits", "span"], _delivered(carers)))
    db.session.execute(insert(ReportAttendanceDay).from_select(
        ["contract_id", "day", "client_id", "worker_id", "attendances", "span"], _attended(carers)))
    db.session.execute(insert(ReportDay), [{"contract_id": c, "day": d, "tz": tz} for c in contracts for d in days])
    for model, (keys, sums) in SUMMED.items():
        _sum_spans(model, keys, sums, contracts, first, last)


def _days_only(model) -> tuple:
    return (model.span == "day",) if model in SUMMED else ()


def _sum_spans(model, keys: tuple[str, ...], sums: tuple[str, ...], contracts: list[int], first: date,
               last: date) -> None:
    """Replace the week or month rows around first..last with sums of their day rows."""
    unit = SPANS[model]
    begin = _unit_start(first, unit)
    db.session.execute(delete(model).where(model.contract_id.in_(contracts), model.span == unit, model.day >= begin,
                                           model.day <= last))
    while begin <= last:
        end = _next_unit(begin, unit)
        grouped = [model.contract_id, *(getattr(model, k) for k in keys)]
        db.session.execute(insert(model).from_select(
            ["contract_id", *keys, *sums, "day", "span"],
            select(*grouped, *(func.sum(getattr(model, k)) for k in sums), literal(begin, Date), literal(unit))
            .where(model.contract_id.in_(contracts), model.span == "day", model.day >= begin, model.day < end)
            .group_by(*grouped)))
        begin = end


def _unit_start(day: date, unit: str) -> date:
    return day.replace(day=1) if unit == "month" else day - timedelta(day.weekday())


def _next_unit(start: date, unit: str) -> date:
    return _unit_start(start + timedelta(31 if unit == "month" else 7), unit)


def _in_period(model, period, unit: str) -> tuple:
    """The rows whose sum gives the period's figures, and the sign (1 or -1) to sum each with.

    Whole weeks or months come from their sums. A unit cut by either end of the period comes from its days
    inside, or, when fewer rows, from its sum less its days outside: a unit's sum is always the sum of its
    stored days (_sum_spans), so the days outside cancel whether current or not. Sums over such rows can come
    to zero for a key that has no rows inside the period; the caller leaves those out."""
    summed, days = [], []
    start = _unit_start(period.first, unit)
    while start <= period.last:
        end = _next_unit(start, unit) - timedelta(1)
        first, last = max(start, period.first), min(end, period.last)
        inside = (last - first).days + 1
        if inside * 2 <= (end - start).days + 1:
            days.append((first, last))
        else:
            summed.append(start)
            days += [(a, b) for a, b in ((start, first - timedelta(1)), (last + timedelta(1), end)) if a <= b]
        start = end + timedelta(1)
    rows = [and_(model.span == "day", model.day >= a, model.day <= b) for a, b in days]
    if summed:
        rows.append(and_(model.span == unit, model.day >= summed[0], model.day <= summed[-1]))
    outside = and_(model.span == "day", or_(model.day < period.first, model.day > period.last))
    return or_(*rows), case((outside, -1), else_=1)


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


def _flags(visits) -> list[dict]:
    """Visits by their figures in the flags report ("flags:verified", "flags:short"), from the visits grouped by
    status and list of flags as stored (as text, since PostgreSQL cannot group json)."""
    sub = visits.add_columns(Visit.status, cast(Visit.flags, Text).label("flags")).where(
        Visit.status != VisitStatus.CANCELLED).subquery()
    counted = flag_tally(db.session.execute(_grouped(sub, sub.c.status, sub.c.flags)))
    return [{"contract_id": c, "day": d, "figure": f"flags:{f}", "n": n} for (c, d, f), n in counted.items()]


def _delivered(carers):
    sub = carers.add_columns(
        Visit.client_id, Visit.id.label("visit_id"),
        seconds_between(VisitAssignment.checked_in_at, VisitAssignment.checked_out_at).label("seconds"),
    ).where(Visit.status != VisitStatus.CANCELLED, VisitAssignment.checked_in_at.is_not(None),
            VisitAssignment.checked_out_at.is_not(None),
            VisitAssignment.checked_out_at > VisitAssignment.checked_in_at).subquery()
    return select(sub.c.contract_id, sub.c.day, sub.c.client_id, func.sum(sub.c.seconds),
                  func.count(func.distinct(sub.c.visit_id)), literal("day")).group_by(
        sub.c.contract_id, sub.c.day, sub.c.client_id)


def _attended(carers):
    sub = carers.add_columns(Visit.client_id, VisitAssignment.worker_id).where(
        Visit.status != VisitStatus.CANCELLED, VisitAssignment.checked_in_at.is_not(None)).subquery()
    return _grouped(sub, sub.c.client_id, sub.c.worker_id).add_columns(literal("day"))


def day_counts(scope: Scope, kind: str) -> list[tuple[date, str, int]]:
    """(day, figure without its kind, count) of the scope's stored days, summed over its contracts."""
    return _counts(scope, kind, ReportDayCount.day)


def contract_counts(scope: Scope, kind: str) -> list[tuple[int, str, int]]:
    """(contract, figure without its kind, count) of the scope's stored days, summed over its period."""
    return _counts(scope, kind, ReportDayCount.contract_id)


def _counts(scope: Scope, kind: str, by) -> list[tuple]:
    period = scope.period
    rows = db.session.execute(
        select(by, ReportDayCount.figure, func.sum(ReportDayCount.n))
        .where(ReportDayCount.contract_id.in_(scope.contract_ids), ReportDayCount.day >= period.first,
               ReportDayCount.day <= period.last, ReportDayCount.figure.startswith(f"{kind}:"))
        .group_by(by, ReportDayCount.figure))
    return [(key, figure.split(":", 1)[1], int(n)) for key, figure, n in rows]


def client_spans(scope: Scope, spans: list[Span]):
    """(client, index of the span, delivered seconds, visits) from the scope's stored days."""
    period = scope.period
    roomy()
    starts = [s.first for s in spans] + [spans[-1].last + timedelta(1)]
    rows, sign = _in_period(ReportClientDay, period, "week")
    # A day outside the period lies in the week, and so the span, of the week sum it is taken from.
    sub = select(ReportClientDay.client_id, (sign * ReportClientDay.seconds).label("seconds"),
                 (sign * ReportClientDay.visits).label("visits"),
                 bucket_index(ReportClientDay.day, starts).label("bucket")).where(
        ReportClientDay.contract_id.in_(scope.contract_ids), rows).subquery()
    return db.session.execute(select(sub.c.client_id, sub.c.bucket, func.sum(sub.c.seconds), func.sum(sub.c.visits))
                              .group_by(sub.c.client_id, sub.c.bucket).having(func.sum(sub.c.visits) > 0))


def attendances(scope: Scope):
    """A selectable of (client_id, worker_id, attendances) over the scope's stored days."""
    period = scope.period
    roomy()
    rows, sign = _in_period(ReportAttendanceDay, period, "month")
    total = cast(func.sum(sign * ReportAttendanceDay.attendances), BigInteger)
    return (select(ReportAttendanceDay.client_id, ReportAttendanceDay.worker_id, total.label("attendances"))
            .where(ReportAttendanceDay.contract_id.in_(scope.contract_ids), rows)
            .group_by(ReportAttendanceDay.client_id, ReportAttendanceDay.worker_id).having(total > 0))
