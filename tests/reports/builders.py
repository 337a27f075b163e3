"""Small hand-made data sets for the report tests: every visit, carer and time written out.

Times are given as local wall-clock strings in Europe/London ("2026-10-25 23:30"),
the way a council reads them; a suffix "+01:00"/"+00:00" picks one side of the
October clock change where the wall time happens twice.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from server.care.models import CarePackage, Outcome
from server.directory.models import Client, Contract, Council, Provider, Worker
from server.reports.periods import Period
from server.reports.scope import Scope
from server.visits.models import NonContactActivity, OutcomeProgress, Visit, VisitAssignment, VisitEvent
from tests.factories import add, client_for, user

LONDON = "Europe/London"
REMOVED = datetime(2026, 1, 1, tzinfo=timezone.utc)  # when a reassigned carer was taken off; never read


def at(text: str) -> datetime:
    """A local London time as a UTC instant; an explicit offset wins over the zone."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(LONDON))
    return moment.astimezone(timezone.utc)


def setting(name: str = "Acme", council: Council | None = None, **thresholds) -> SimpleNamespace:
    """One council (unless given), one provider and contract, five workers, clients made on demand."""
    council = council or add(Council(name=f"{name} Council", timezone=LONDON))
    provider = add(Provider(name=name))
    contract = add(Contract(council_id=council.id, provider_id=provider.id, reference=f"C-{name}", **thresholds))
    workers = [add(Worker(provider_id=provider.id, name=f"{name} Worker {i}")) for i in range(1, 6)]
    recorder = user(f"coordinator@{name.lower()}.example", "coordinator", provider_id=provider.id)
    return SimpleNamespace(council=council, provider=provider, contract=contract, workers=workers, recorder=recorder)


def new_client(s: SimpleNamespace, name: str) -> Client:
    return client_for(s.contract, name)


def scope_of(first: date, last: date, *settings: SimpleNamespace) -> Scope:
    return Scope(Period(first, last, LONDON), tuple(s.contract for s in settings))


def visit(client: Client, start: str, minutes: int = 30, *, status: str = "scheduled", punctuality: str | None = None,
          started: str | None = None, ended: str | None = None) -> Visit:
    return add(Visit(client_id=client.id, contract_id=client.contract_id, provider_id=client.contract.provider_id,
                     planned_start=at(start), planned_minutes=minutes, status=status, punctuality=punctuality,
                     started_at=at(started) if started else None, ended_at=at(ended) if ended else None))


def carer(v: Visit, worker: Worker, checked_in: str | None = None, checked_out: str | None = None, *,
          geofence: str | None = "verified", manual: bool = False, removed: bool = False,
          method: str | None = None) -> VisitAssignment:
    return add(VisitAssignment(
        visit_id=v.id, worker_id=worker.id, checked_in_at=at(checked_in) if checked_in else None,
        checked_out_at=at(checked_out) if checked_out else None,
        check_in_geofence=geofence if checked_in else None, check_in_method=method, manual=manual,
        removed_at=REMOVED if removed else None))


def delivered(client: Client, worker: Worker, start: str, minutes: int, worked: int) -> Visit:
    """A completed single-carer visit that started on time and lasted `worked` whole minutes."""
    out = (datetime.fromisoformat(start) + timedelta(minutes=worked)).isoformat(sep=" ")
    v = visit(client, start, minutes, status="completed", punctuality="on_time", started=start, ended=out)
    carer(v, worker, start, out)
    return v


def package(client: Client, weekly: int, starts: date, ends: date | None = None, flex_weeks: int = 1) -> CarePackage:
    return add(CarePackage(client_id=client.id, weekly_minutes=weekly, flex_weeks=flex_weeks, starts_on=starts,
                           ends_on=ends))


def outcome(client: Client, title: str) -> Outcome:
    return add(Outcome(client_id=client.id, title=title))


def score(v: Visit, goal: Outcome, worker: Worker, when: str, value: int) -> OutcomeProgress:
    event = add(VisitEvent(idempotency_key=str(uuid.uuid4()), payload_hash="0" * 64, visit_id=v.id,
                           worker_id=worker.id, kind="outcome_progress", device_time=at(when), received_at=at(when),
                           payload={"outcome_id": goal.id, "score": value}))
    return add(OutcomeProgress(event_id=event.id, visit_id=v.id, client_id=v.client_id, outcome_id=goal.id,
                               worker_id=worker.id, score=value, recorded_at=at(when)))


def feed_event(v: Visit, kind: str, device_time: datetime, lag_s: int, geofence: str = "verified",
               source_system: str | None = "CarerApp") -> VisitEvent:
    """An event as a provider's own app sent it through the feed (source_system None: Caremon's app)."""
    return add(VisitEvent(idempotency_key=str(uuid.uuid4()), payload_hash="0" * 64, visit_id=v.id,
                          worker_id=v.assignments[0].worker_id, kind=kind, device_time=device_time,
                          received_at=device_time + timedelta(seconds=lag_s), geofence=geofence,
                          source_system=source_system))


def activity(s: SimpleNamespace, client: Client, category: str, minutes: int, when: str) -> NonContactActivity:
    return add(NonContactActivity(
        idempotency_key=str(uuid.uuid4()), payload_hash="0" * 64, client_id=client.id, contract_id=client.contract_id,
        provider_id=client.contract.provider_id, worker_id=s.workers[0].id, recorded_by=s.recorder.id,
        category=category, minutes=minutes, occurred_at=at(when)))
