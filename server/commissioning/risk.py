"""Provider risk ranking: each contract's provider rated Green, Amber or Red from its KPIs, with a trend.

The KPIs are the reports' own figures for one contract over the period (server/reports): missed_pct and
late_pct from punctuality, verified_pct from verification, regular_pct from continuity, delivered_pct
(delivered against commissioned minutes) from delivery; and three counts kept here: family_rating, the mean
of families' ratings (1-5) of the period's visits; open_exceptions, the period's visits with an exception
still open; undelivered_messages, messages about the period's visits that failed or may not have arrived.
Each KPI is rated against the contract's amber and red lines (commissioning/thresholds.py), and the provider
takes its worst rating. The trend repeats the same over the periods of the same length before the one asked
for, oldest first. Providers are ranked red first, then by how many KPIs are red, then amber.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.commissioning.models import RiskThresholds
from server.commissioning.thresholds import (
    AMBER,
    KPIS,
    RED,
    SEVERITY,
    effective,
    overall,
    problem,
    rate,
)
from server.directory.models import Contract
from server.errors import invalid
from server.extensions import db
from server.feedback.models import VisitFeedback
from server.i18n import _
from server.notify.models import UNDELIVERED, Notification
from server.reports import continuity, delivery, punctuality, verification
from server.reports.periods import Period
from server.reports.scope import Scope, resolve_scope
from server.visits.models import Visit, VisitException


def provider_risk(ident: Identity, settings: dict, *, date_from: date, date_to: date, periods: int) -> dict:
    """The ranking over the caller's contracts (a provider sees only its own)."""
    scope = resolve_scope(ident, date_from=date_from, date_to=date_to)
    spans = trend_spans(date_from, date_to, periods)
    own = {t.contract_id: t.thresholds for t in db.session.scalars(
        select(RiskThresholds).where(RiskThresholds.contract_id.in_(scope.contract_ids)))}
    rows = []
    for contract in scope.contracts:
        lines = effective(settings, own.get(contract.id))
        trend = [_rated(kpi_values(_scope_of(contract, first, last, scope.period.tz)), lines)
                 | {"date_from": first, "date_to": last} for first, last in spans]
        current = trend[-1]
        rows.append({
            "contract_id": contract.id, "contract_reference": contract.reference,
            "provider_id": contract.provider_id, "provider_name": contract.provider.name,
            "rating": current["rating"], "kpis": current["kpis"], "thresholds": lines,
            "own_thresholds": sorted(own.get(contract.id) or {}),
            "trend": [{"date_from": p["date_from"], "date_to": p["date_to"], "rating": p["rating"],
                       "values": {name: k["value"] for name, k in p["kpis"].items()}} for p in trend],
        })
    rows.sort(key=_rank_key)
    counts = {r: sum(1 for row in rows if row["rating"] == r) for r in SEVERITY}
    return {"period": {"date_from": date_from, "date_to": date_to, "timezone": scope.period.tz},
            "periods": periods, "rows": rows, "totals": {"providers": len(rows), **counts}}


def trend_spans(date_from: date, date_to: date, periods: int) -> list[tuple[date, date]]:
    """The period asked for and the periods of the same length before it, oldest first."""
    length = timedelta(days=(date_to - date_from).days + 1)
    return [(date_from - i * length, date_to - i * length) for i in reversed(range(periods))]


def _scope_of(contract: Contract, first: date, last: date, tz: str) -> Scope:
    return Scope(Period(first, last, tz), (contract,), contract.id, contract.provider_id)


def kpi_values(scope: Scope) -> dict[str, float | int | None]:
    """One contract's KPI figures over the scope's period, taken from the reports themselves."""
    on_time = punctuality.punctuality(scope)["totals"]
    return {
        "missed_pct": on_time["missed_pct"],
        "late_pct": on_time["late_pct"],
        "verified_pct": verification.verification(scope)["totals"]["verified_pct"],
        "regular_pct": continuity.continuity(scope)["totals"]["regular_pct"],
        "delivered_pct": delivery.delivery(scope)["totals"]["delivered_pct"],
        "family_rating": _family_rating(scope),
        "open_exceptions": db.session.scalar(select(func.count()).select_from(Visit).where(
            *scope.visits(), Visit.id.in_(open_exception_visits()))),
        "undelivered_messages": db.session.scalar(select(func.count()).select_from(Notification).join(
            Visit, Visit.id == Notification.visit_id).where(*scope.visits(), Notification.status.in_(UNDELIVERED))),
    }


def open_exception_visits():
    return select(VisitException.visit_id).where(VisitException.resolved_at.is_(None))


def _family_rating(scope: Scope) -> float | None:
    mean = db.session.scalar(select(func.avg(VisitFeedback.rating)).join(Visit, Visit.id == VisitFeedback.visit_id)
                             .where(*scope.visits()))
    return None if mean is None else round(float(mean), 2)


def _rated(values: dict, lines: dict) -> dict:
    kpis = {k.name: {"value": values[k.name], "rating": rate(k.name, values[k.name], lines[k.name])} for k in KPIS}
    return {"kpis": kpis, "rating": overall([k["rating"] for k in kpis.values()])}


def _rank_key(row: dict):
    ratings = [k["rating"] for k in row["kpis"].values()]
    return (-SEVERITY[row["rating"]], -ratings.count(RED), -ratings.count(AMBER), row["provider_name"],
            row["contract_id"])


def set_thresholds(ident: Identity, contract: Contract, given: dict, now: datetime) -> RiskThresholds:
    """Replace the contract's own lines; a pair whose red is milder than its amber changes nothing."""
    lines = {name: {"amber": pair["amber"], "red": pair["red"]} for name, pair in given.items()}
    for name, pair in lines.items():
        why = problem(name, pair["amber"], pair["red"])
        if why:
            raise invalid(f"thresholds.{name}", _(why))
    own = db.session.get(RiskThresholds, contract.id) or RiskThresholds(contract_id=contract.id)
    own.thresholds, own.updated_at, own.updated_by = lines, now, ident.user_id
    db.session.add(own)
    db.session.flush()
    record("contract.risk_thresholds", "contract", contract.id, user_id=ident.user_id, now=now, thresholds=lines)
    return own
