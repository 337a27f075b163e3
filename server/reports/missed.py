"""Missed visits, each with what coordinators recorded about it.

A missed visit is one whose status is "missed" (a missed visit later proved
delivered by a correction is completed, not missed). The scheduler opens a
"missed" exception on each; a coordinator resolves it with one of the council's
reason codes. A visit's reason is the reason code of the latest resolved
exception, else of the latest correction, with the council's label and external
code for it; an exception resolved with a reason code and a note reads
"code: note". A visit is resolved when something was resolved for it and
nothing is still open.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import select

from server.directory.models import Client, Worker
from server.extensions import db
from server.reports.scope import Scope
from server.reports.sql import roomy
from server.timeutil import to_local
from server.visits.models import (
    DEFAULT_REASON_CODES,
    REASON_CODES,
    ReasonCode,
    Visit,
    VisitAssignment,
    VisitCorrection,
    VisitException,
    VisitStatus,
)

DEFAULT_LABELS = dict(DEFAULT_REASON_CODES)


def missed(scope: Scope) -> dict:
    roomy()
    missed_visits = (*scope.visits(), Visit.status == VisitStatus.MISSED)
    missed_ids = select(Visit.id).where(*missed_visits)
    exceptions, corrections, workers = defaultdict(list), defaultdict(list), defaultdict(list)
    for visit_id, kind, detail, raised_at, resolved_at, resolution, code in db.session.execute(
        select(VisitException.visit_id, VisitException.kind, VisitException.detail, VisitException.raised_at,
               VisitException.resolved_at, VisitException.resolution, VisitException.reason_code)
        .where(VisitException.visit_id.in_(missed_ids)).order_by(VisitException.raised_at, VisitException.id)
    ):
        exceptions[visit_id].append({"kind": kind, "detail": detail, "raised_at": raised_at,
                                     "resolved_at": resolved_at, "resolution": resolution,
                                     "reason_code": code or reason_code(resolution)})
    for visit_id, code, note, created_at in db.session.execute(
        select(VisitCorrection.visit_id, VisitCorrection.reason_code, VisitCorrection.note, VisitCorrection.created_at)
        .where(VisitCorrection.visit_id.in_(missed_ids)).order_by(VisitCorrection.created_at, VisitCorrection.id)
    ):
        corrections[visit_id].append({"reason_code": code, "note": note, "created_at": created_at})
    for visit_id, worker_id, name in db.session.execute(
        select(VisitAssignment.visit_id, Worker.id, Worker.name).join(Worker, Worker.id == VisitAssignment.worker_id)
        .where(VisitAssignment.visit_id.in_(missed_ids), VisitAssignment.removed_at.is_(None))
        .order_by(VisitAssignment.position)
    ):
        workers[visit_id].append({"worker_id": worker_id, "worker_name": name})

    councils = {c.id: c.council_id for c in scope.contracts}
    labels = {(c.council_id, c.code): c for c in db.session.scalars(
        select(ReasonCode).where(ReasonCode.council_id.in_(set(councils.values()))))}
    rows = []
    for visit_id, client_id, name, reference, contract_id, provider_id, start, minutes in db.session.execute(
        select(Visit.id, Visit.client_id, Client.name, Client.reference, Visit.contract_id, Visit.provider_id,
               Visit.planned_start, Visit.planned_minutes)
        .join(Client, Client.id == Visit.client_id).where(*missed_visits)
        .order_by(Visit.planned_start, Visit.id)
    ):
        local = to_local(start, scope.period.tz)
        why = explain(exceptions[visit_id], corrections[visit_id])
        code = labels.get((councils[contract_id], why["reason_code"]))
        rows.append({
            "visit_id": visit_id, "client_id": client_id, "client_name": name, "client_reference": reference,
            "contract_id": contract_id, "provider_id": provider_id, "planned_start": start,
            "local_date": local.date(), "local_time": local.strftime("%H:%M"), "planned_minutes": minutes,
            "workers": workers[visit_id],
            **why, "reason_label": code.label if code else DEFAULT_LABELS.get(why["reason_code"]),
            "external_code": code and code.external_code,
            "exceptions": exceptions[visit_id], "corrections": corrections[visit_id],
        })

    by_reason = Counter(r["reason_code"] for r in rows)
    totals = {
        "missed": len(rows), "resolved": sum(r["resolved"] for r in rows),
        "unresolved": sum(not r["resolved"] for r in rows),
        "by_reason": [{"reason_code": code, "visits": n}
                      for code, n in sorted(by_reason.items(), key=lambda item: (-item[1], item[0] or ""))],
    }
    return scope.envelope("missed", rows, totals)


def reason_code(resolution: str | None) -> str | None:
    code = (resolution or "").split(":", 1)[0].strip()
    return code if code in REASON_CODES else None


def explain(exceptions: list[dict], corrections: list[dict]) -> dict:
    resolved = [e for e in exceptions if e["resolved_at"] is not None]
    latest = max(resolved, key=lambda e: e["resolved_at"], default=None)
    if latest is not None:
        code, text = latest["reason_code"], latest["resolution"]
    elif corrections:
        code, text = corrections[-1]["reason_code"], corrections[-1]["note"]
    else:
        code, text = None, None
    still_open = any(e["resolved_at"] is None for e in exceptions)
    return {"reason_code": code, "resolution": text,
            "resolved": (latest is not None or bool(corrections)) and not still_open}


CSV_COLUMNS = ("visit_id", "client_id", "client_name", "client_reference", "contract_id", "provider_id",
               "planned_start", "local_date", "local_time", "planned_minutes", "workers", "exceptions",
               "reason_code", "reason_label", "external_code", "resolution", "resolved")


def csv_lines(result: dict):
    for row in result["rows"]:
        yield {**row, "workers": "; ".join(w["worker_name"] for w in row["workers"]),
               "exceptions": "; ".join(e["kind"] for e in row["exceptions"])}
