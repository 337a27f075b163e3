"""The fair-pay figures' one bridge to the database: each carer's visits, priced by the payment engine.

Visits are priced the way the council export prices them (payments/export.py ContractExport, so double-ups
paid per booking and unit billing come out the same), over the period plus a day either side: a run that
starts on the period's last evening and ends after midnight is then whole, and a run that started the evening
before the period is left to that day.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from server.directory.models import Client, Contract, Provider, Worker
from server.extensions import db
from server.fairpay.days import Day, PayPolicy, Stint, working_days
from server.fairpay.minimum_wage import minimum_wages
from server.payments.engine import Line
from server.payments.export import ContractExport
from server.timeutil import local_range_bounds
from server.travel import travel_model
from server.visits.models import Visit, VisitAssignment

MARGIN = timedelta(days=1)
DEFAULT_MODE = "car"


@dataclass(frozen=True)
class Priced:
    """A carer's visit row (payments/facts.py visit_rows), the engine's line for it, and the stint they make."""

    row: Any
    line: Line
    stint: Stint


def priced_stints(contracts: Iterable[Contract], first: date, last: date,
                  worker_id: int | None = None) -> dict[int, list[Priced]]:
    """Every carer's visits with any time recorded, planned from the day before first to the day after last."""
    lo, hi = first - MARGIN, last + MARGIN
    found: dict[int, list] = defaultdict(list)
    for contract in contracts:
        export = ContractExport(contract, lo, hi, replay=False)
        visit_ids = None
        if worker_id is not None:
            visit_ids = _visits_of(worker_id, contract.id, *local_range_bounds(lo, hi, export.tz))
            if not visit_ids:
                continue
        for row, line, _ in export.priced_visits(lo, hi, visit_ids):
            if row.worker_id is None or (worker_id is not None and row.worker_id != worker_id):
                continue
            if row.checked_in_at is not None or row.checked_out_at is not None:
                found[row.worker_id].append((row, line))
    places = _homes({row.client_id for rows in found.values() for row, _ in rows})
    return {wid: [Priced(row, line, Stint(row.visit_id, row.client_id, places[row.client_id], row.planned_start,
                                    row.checked_in_at, row.checked_out_at, line.minutes, line.outcome, line.held))
                  for row, line in rows] for wid, rows in found.items()}


def _visits_of(worker_id: int, contract_id: int, start, end) -> set[int]:
    return set(db.session.scalars(
        select(VisitAssignment.visit_id).join(Visit, Visit.id == VisitAssignment.visit_id)
        .where(VisitAssignment.worker_id == worker_id, Visit.contract_id == contract_id,
               Visit.planned_start >= start, Visit.planned_start < end)))


def _homes(client_ids: set[int]) -> dict[int, tuple[float, float]]:
    if not client_ids:
        return {}
    return {cid: (lat, lon) for cid, lat, lon in db.session.execute(
        select(Client.id, Client.lat, Client.lon).where(Client.id.in_(client_ids)))}


def workers_with_providers(worker_ids: Iterable[int]) -> dict[int, tuple[Worker, Provider]]:
    rows = db.session.execute(select(Worker, Provider).join(Provider, Provider.id == Worker.provider_id)
                              .where(Worker.id.in_(list(worker_ids))))
    return {worker.id: (worker, provider) for worker, provider in rows}


def policy_of(worker: Worker, provider: Provider) -> PayPolicy:
    """The worker's own rate, else the provider's; travel paid as the provider says."""
    rate = worker.hourly_rate_minor if worker.hourly_rate_minor is not None else provider.hourly_rate_minor
    return PayPolicy(rate, bool(provider.pays_travel))


def travel_mode(worker: Worker) -> str:
    # A worker's travel mode is a column another change may add; until then everyone drives.
    return getattr(worker, "travel_mode", None) or DEFAULT_MODE


class Travel:
    """The shared travel model, remembering each pair of homes: carers' runs repeat day after day, and a
    geodesic costs far more than a dictionary look-up."""

    def __init__(self, settings: Mapping):
        self.model = travel_model(settings)
        self.known: dict[tuple, int] = {}

    def seconds(self, origin, destination, mode: str) -> int:
        key = (origin, destination, mode)
        if key not in self.known:
            self.known[key] = self.model.seconds(origin, destination, mode)
        return self.known[key]


def days_of(worker: Worker, provider: Provider, stints: list[Stint], first: date, last: date, tz: str,
            settings: Mapping, travel: Travel) -> list[Day]:
    """The worker's days from first to last, with the shared travel model and the configured minimum wage."""
    mode = travel_mode(worker)
    days = working_days(worker.id, stints, tz=tz, travel=lambda a, b: travel.seconds(a, b, mode),
                        break_minutes=settings["fair_pay_break_minutes"], policy=policy_of(worker, provider),
                        wages=minimum_wages(settings))
    return [day for day in days if first <= day.local_date <= last]
