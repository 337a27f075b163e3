"""Delivered against commissioned minutes, per client and per provider (block usage).

Commissioned minutes pro rata: each care package gives weekly_minutes x (days of
the span inside the package's dates) / 7, so a 10-day period of a 420-minute
package is 600 minutes, and a package that starts or ends within the period
counts only its own days.

Delivered minutes are carer minutes: for every carer with both effective times
(checked_in_at to checked_out_at, after corrections), the time between them, to
the second; a double-up counts both carers. Cancelled visits deliver nothing
here. Visits count in the period of their planned start.

Four-week flexible packages (flex_weeks = 4) are also compared block by block:
runs of four ISO weeks counted from the week holding the period's first date,
the first and last clipped to the period (choose a period that starts on the
contract's four-weekly cycle to see whole blocks).
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Row, func, or_, select

from server.care.models import CarePackage
from server.directory.models import Client
from server.extensions import db
from server.reports import rollup
from server.reports.periods import Span
from server.reports.scope import Scope, pct
from server.reports.sql import bucketed, seconds_between
from server.visits.models import Visit, VisitAssignment, VisitStatus

FLEX_WEEKS = 4
# Minutes are counted in parts of 1/420 minute, in which a package's weekly minutes x days / 7 and a carer's
# seconds / 60 are both whole numbers: no sum rounds before the figures do.
PARTS = 420


def delivery(scope: Scope) -> dict:
    blocks = scope.period.blocks(FLEX_WEEKS)
    period = Span(scope.period.first, scope.period.last)
    packages = _packages(scope)
    delivered, visits = _delivered_by_block(scope, blocks)
    provider_of = {c.id: c.provider_id for c in scope.contracts}
    clients = db.session.execute(
        select(Client.id, Client.name, Client.reference, Client.contract_id)
        .where(Client.contract_id.in_(scope.contract_ids)).order_by(Client.name, Client.id))

    rows, exact = [], []
    for client_id, name, reference, contract_id in clients:
        own = packages.get(client_id, [])
        if not own and client_id not in visits:
            continue
        by_block = delivered.get(client_id) or [0] * len(blocks)
        commissioned, done = _commissioned(own, period), sum(by_block)
        flexible = any(p.flex_weeks == FLEX_WEEKS for p in own)
        exact.append((provider_of[contract_id], commissioned, done))
        rows.append({
            "client_id": client_id, "client_name": name, "client_reference": reference,
            "contract_id": contract_id, "provider_id": provider_of[contract_id],
            "flex_weeks": FLEX_WEEKS if flexible else 1, "visits": visits.get(client_id, 0),
            **figures(commissioned, done),
            "blocks": [{"block": i + 1, "date_from": block.first, "date_to": block.last,
                        **figures(_commissioned(own, block), d)}
                       for i, (block, d) in enumerate(zip(blocks, by_block))] if flexible else [],
        })

    # Sums of the exact parts, so a total is not the sum of rounded row figures.
    providers = [{"provider_id": provider_id, "provider_name": provider_name,
                  "clients": sum(1 for p, _, _ in exact if p == provider_id),
                  **figures(sum(c for p, c, _ in exact if p == provider_id),
                            sum(d for p, _, d in exact if p == provider_id))}
                 for provider_id, provider_name in {c.provider_id: c.provider.name for c in scope.contracts}.items()]
    totals = {"clients": len(rows), **figures(sum(c for _, c, _ in exact), sum(d for _, _, d in exact)),
              "providers": providers}
    return scope.envelope("delivery", rows, totals)


def figures(commissioned: int, delivered: int) -> dict:
    """Minutes to one decimal place from whole parts, rounded only here."""
    return {
        "commissioned_minutes": _minutes(commissioned), "delivered_minutes": _minutes(delivered),
        "variance_minutes": _minutes(delivered - commissioned), "delivered_pct": pct(delivered, commissioned),
    }


def _minutes(parts: int) -> float:
    return round(parts / PARTS, 1)


def _packages(scope: Scope) -> dict[int, list[Row]]:
    """Care packages of the covered clients that overlap the period: a few per client, not per visit."""
    period = scope.period
    found = defaultdict(list)
    for package in db.session.execute(
        select(CarePackage.client_id, CarePackage.weekly_minutes, CarePackage.flex_weeks, CarePackage.starts_on,
               CarePackage.ends_on).join(Client, Client.id == CarePackage.client_id).where(
            Client.contract_id.in_(scope.contract_ids), CarePackage.starts_on <= period.last,
            or_(CarePackage.ends_on.is_(None), CarePackage.ends_on >= period.first))
    ):
        found[package.client_id].append(package)
    return found


def _commissioned(packages: list[Row], span: Span) -> int:
    total = 0
    for package in packages:
        first = max(span.first, package.starts_on)
        last = min(span.last, package.ends_on or span.last)
        if last >= first:
            total += package.weekly_minutes * ((last - first).days + 1) * (PARTS // 7)
    return total


def _delivered_by_block(scope: Scope, blocks: list[Span]) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Delivered carer minutes (in parts) per client and block, and visits with delivered time per client."""
    if rollup.usable(scope):
        return _stored_by_block(scope, blocks)
    carers = (select().select_from(VisitAssignment).join(Visit, Visit.id == VisitAssignment.visit_id).where(
        *scope.visits(), Visit.status != VisitStatus.CANCELLED,
        VisitAssignment.checked_in_at.is_not(None), VisitAssignment.checked_out_at.is_not(None),
        VisitAssignment.checked_out_at > VisitAssignment.checked_in_at))
    sub = bucketed(carers, Visit.planned_start, scope.period.boundaries(blocks), client_id=Visit.client_id,
                   visit_id=Visit.id, seconds=seconds_between(VisitAssignment.checked_in_at,
                                                              VisitAssignment.checked_out_at))
    return _by_client(db.session.execute(
        select(sub.c.client_id, sub.c.bucket, func.sum(sub.c.seconds), func.count(func.distinct(sub.c.visit_id)))
        .group_by(sub.c.client_id, sub.c.bucket)), len(blocks))


def _stored_by_block(scope: Scope, blocks: list[Span]):
    """_delivered_by_block from the stored days (reports/rollup.py)."""
    rollup.refresh(scope)
    return _by_client(rollup.client_spans(scope, blocks), len(blocks))


def _by_client(found, blocks: int) -> tuple[dict[int, list[int]], dict[int, int]]:
    """(client, block, seconds, visits) rows as each client's parts per block and visits."""
    minutes, visits = {}, defaultdict(int)
    for client_id, bucket, total, n in found:
        minutes.setdefault(client_id, [0] * blocks)[bucket] = int(total) * (PARTS // 60)
        visits[client_id] += int(n)
    return minutes, visits


CSV_COLUMNS = ("line", "provider_id", "contract_id", "client_id", "client_name", "client_reference", "flex_weeks",
               "block", "date_from", "date_to", "visits", "commissioned_minutes", "delivered_minutes",
               "variance_minutes", "delivered_pct")


def csv_lines(result: dict):
    """A line per client over the period, its four-week blocks under it, then each provider and the total."""
    period = {"date_from": result["period"]["date_from"], "date_to": result["period"]["date_to"]}
    for row in result["rows"]:
        client = {k: v for k, v in row.items() if k != "blocks"}
        yield {"line": "client", **period, **client}
        for block in row["blocks"]:
            yield {"line": "block", **{k: client[k] for k in ("provider_id", "contract_id", "client_id",
                                                               "client_name", "client_reference", "flex_weeks")},
                   **block}
    for provider in result["totals"]["providers"]:
        yield {"line": "provider", **period, **provider}
    yield {"line": "total", **period, **{k: v for k, v in result["totals"].items() if k != "providers"}}
