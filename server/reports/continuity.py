"""Continuity of care: how many different care workers each client saw, and how much came from their regulars.

A worker "attended" a visit when they checked in (cancelled visits excluded);
a double-up is two attendances. A client's regular workers are their top three
by attendances over the period (ties broken by the lower worker id; which tied
worker is named never changes the share). The regular share is the regulars'
attendances over all the client's attendances. Fewer distinct workers and a
higher regular share mean better continuity.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from server.directory.models import Client, Worker
from server.extensions import db
from server.reports import rollup
from server.reports.scope import Scope, pct
from server.visits.models import Visit, VisitAssignment, VisitStatus

REGULARS = 3


def continuity(scope: Scope) -> dict:
    if rollup.usable(scope):
        rollup.refresh(scope)
        attended = rollup.attendances(scope).cte("attended")
    else:
        attended = (
            select(Visit.client_id, VisitAssignment.worker_id, func.count().label("attendances"))
            .join(VisitAssignment, VisitAssignment.visit_id == Visit.id)
            .where(*scope.visits(), Visit.status != VisitStatus.CANCELLED, VisitAssignment.checked_in_at.is_not(None))
            .group_by(Visit.client_id, VisitAssignment.worker_id)
            .cte("attended")
        )
    by_client = {"partition_by": attended.c.client_id}
    ranked = select(
        attended.c.client_id, attended.c.worker_id, attended.c.attendances,
        func.row_number().over(**by_client, order_by=(attended.c.attendances.desc(), attended.c.worker_id))
        .label("rank"),
        func.count().over(**by_client).label("workers"),
        func.sum(attended.c.attendances).over(**by_client).label("client_attendances"),
    ).subquery("ranked")
    found = db.session.execute(
        select(ranked.c.client_id, Client.name, Client.reference, ranked.c.workers, ranked.c.client_attendances,
               ranked.c.worker_id, Worker.name, ranked.c.attendances)
        .join(Client, Client.id == ranked.c.client_id).join(Worker, Worker.id == ranked.c.worker_id)
        .where(ranked.c.rank <= REGULARS)
        .order_by(Client.name, ranked.c.client_id, ranked.c.rank)
    )

    clients, regulars = {}, defaultdict(list)
    for client_id, name, reference, workers, total, worker_id, worker_name, attendances in found:
        clients.setdefault(client_id, (name, reference, workers, int(total)))
        regulars[client_id].append({"worker_id": worker_id, "worker_name": worker_name, "attendances": attendances})
    rows = []
    for client_id, (name, reference, workers, total) in clients.items():
        by_regulars = sum(r["attendances"] for r in regulars[client_id])
        rows.append({"client_id": client_id, "client_name": name, "client_reference": reference,
                     "distinct_workers": workers, "attendances": total, "regular_attendances": by_regulars,
                     "regular_pct": pct(by_regulars, total), "regular_workers": regulars[client_id]})

    total = sum(r["attendances"] for r in rows)
    by_regulars = sum(r["regular_attendances"] for r in rows)
    totals = {
        "clients": len(rows), "attendances": total, "regular_attendances": by_regulars,
        "regular_pct": pct(by_regulars, total),
        "mean_distinct_workers": round(sum(r["distinct_workers"] for r in rows) / len(rows), 1) if rows else None,
        "max_distinct_workers": max((r["distinct_workers"] for r in rows), default=None),
    }
    return scope.envelope("continuity", rows, totals)


CSV_COLUMNS = ("client_id", "client_name", "client_reference", "distinct_workers", "attendances",
               "regular_attendances", "regular_pct", "regular_workers")


def csv_lines(result: dict):
    for row in result["rows"]:
        yield {**row, "regular_workers": "; ".join(f"{w['worker_name']} ({w['attendances']})"
                                                    for w in row["regular_workers"])}
    totals = result["totals"]
    yield {"client_name": "total", "attendances": totals["attendances"],
           "regular_attendances": totals["regular_attendances"], "regular_pct": totals["regular_pct"]}
