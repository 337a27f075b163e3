"""A care worker's own record of one day, for their pay questions: what they did, where, when, and the travel.

The day is worked out as in the fair-pay report (server/fairpay/days.py): the runs that started on the local
date, with the visits that have only one time recorded. Each visit says the client's name and address, the
planned and recorded times, the tasks this carer ticked, the minutes the payment engine pays (or why it holds
them), and the travel and waiting before it. Nothing of other carers is shown, double-up partners included.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from sqlalchemy import select

from server.auth.tenancy import Identity
from server.directory.models import Client, Contract, Provider, Worker
from server.extensions import db
from server.fairpay.days import idle_day
from server.fairpay.minimum_wage import minimum_wages
from server.fairpay.queries import Travel, days_of, policy_of, priced_stints
from server.fairpay.report import day_figures
from server.reports.csv_export import to_csv
from server.timeutil import to_local
from server.visits.models import VisitEvent

SUMMARY = ("visits", "runs", "contact_minutes", "travel_minutes", "waiting_minutes", "working_minutes",
           "paid_minutes", "held_visits", "untimed_visits", "hourly_rate_minor", "pays_travel", "pay_minor",
           "effective_hourly_minor", "minimum_hourly_minor", "below_minimum")


def day_record(ident: Identity, day: date, tz: str, settings: Mapping) -> dict:
    worker = db.session.get(Worker, ident.worker_id)
    provider = db.session.get(Provider, worker.provider_id)
    contracts = db.session.scalars(select(Contract).where(Contract.provider_id == provider.id).order_by(Contract.id))
    priced = priced_stints(contracts, day, day, worker_id=worker.id).get(worker.id, [])
    found = days_of(worker, provider, [p.stint for p in priced], day, day, tz, settings, Travel(settings))
    worked = found[0] if found else idle_day(worker.id, day, policy_of(worker, provider), minimum_wages(settings))
    by_visit = {p.stint.visit_id: p for p in priced}
    legs = {leg.to_visit_id: leg for leg in worked.legs}
    clients = _clients({s.client_id for s in worked.stints})
    ticked = _tasks_done(worker.id, [s.visit_id for s in worked.stints])
    visits = [_visit(by_visit[s.visit_id], clients[s.client_id], legs.get(s.visit_id), ticked.get(s.visit_id, []), tz)
              for s in worked.stints]
    figures = day_figures(worked)
    return {
        "date": day,
        "timezone": tz,
        "worker": {"id": worker.id, "name": worker.name, "staff_ref": worker.staff_ref},
        "provider_name": provider.name,
        "visits": visits,
        "summary": {k: figures[k] for k in SUMMARY},
    }


def _visit(priced, client: Client, leg, tasks: list[str], tz: str) -> dict:
    row, line, stint = priced.row, priced.line, priced.stint
    minutes = (stint.check_out - stint.check_in) // timedelta(minutes=1) if stint.timed else None
    return {
        "visit_id": stint.visit_id, "client_name": client.name, "address": client.address, "postcode": client.postcode,
        "planned_start": _local(row.planned_start, tz),
        "planned_end": _local(row.planned_start + timedelta(minutes=row.planned_minutes), tz),
        "check_in": _local(stint.check_in, tz), "check_out": _local(stint.check_out, tz), "minutes": minutes,
        "tasks_done": tasks, "paid_minutes": line.minutes, "pay_outcome": line.outcome, "held_reason": line.held_reason,
        "travel_before_minutes": leg.travel_minutes if leg else None,
        "waiting_before_minutes": leg.waiting_minutes if leg else None,
    }


def _local(moment: datetime | None, tz: str) -> str | None:
    return None if moment is None else to_local(moment, tz).isoformat()


def _clients(ids: set[int]) -> dict[int, Client]:
    return {c.id: c for c in db.session.scalars(select(Client).where(Client.id.in_(ids)))} if ids else {}


def _tasks_done(worker_id: int, visit_ids: list[int]) -> dict[int, list[str]]:
    """The tasks this carer ticked at each visit, in the order ticked, each once."""
    done: dict[int, list[str]] = {}
    if not visit_ids:
        return done
    for visit_id, payload in db.session.execute(
        select(VisitEvent.visit_id, VisitEvent.payload)
        .where(VisitEvent.worker_id == worker_id, VisitEvent.visit_id.in_(visit_ids), VisitEvent.kind == "task_done")
        .order_by(VisitEvent.device_time, VisitEvent.id)
    ):
        task = (payload or {}).get("task")
        if task and task not in done.setdefault(visit_id, []):
            done[visit_id].append(task)
    return done


VISIT_COLUMNS = ("visit_id", "client_name", "address", "postcode", "planned_start", "planned_end", "check_in",
                 "check_out", "minutes", "travel_before_minutes", "waiting_before_minutes", "paid_minutes",
                 "pay_outcome", "held_reason", "tasks_done")


def to_csv_text(record: dict) -> str:
    """A line per visit, a blank line, then the day's figures as name and value (and who and when, first)."""
    visits = to_csv(VISIT_COLUMNS, ({**v, "tasks_done": "; ".join(v["tasks_done"])} for v in record["visits"]))
    about = {"date": record["date"], "worker": record["worker"]["name"], "staff_ref": record["worker"]["staff_ref"],
             "provider": record["provider_name"], "timezone": record["timezone"], **record["summary"]}
    figures = to_csv(("figure", "value"), ({"figure": k, "value": v} for k, v in about.items()))
    return visits + "\r\n" + figures
