"""Rows for the payment tests, with times written as local London wall-clock strings."""
from __future__ import annotations

import uuid
from datetime import date
from types import SimpleNamespace

from server.auth.models import User
from server.care.models import CarePackage
from server.directory.models import Client, Contract, Council, Provider, Worker
from server.visits.models import NonContactActivity, Visit, VisitAssignment, VisitException
from tests.factories import add, client_for, user
from tests.payments.engine_helpers import at


def setting(name: str = "Acme", rule_set: str = "actual-by-minute", council: Council | None = None) -> SimpleNamespace:
    council = council or add(Council(name=f"{name} Council", timezone="Europe/London"))
    provider = add(Provider(name=name))
    contract = add(Contract(council_id=council.id, provider_id=provider.id, reference=f"C-{name}",
                            payment_rule_set=rule_set))
    workers = [add(Worker(provider_id=provider.id, name=f"{name} Worker {i}", staff_ref=f"{name[:2].upper()}{i}"))
               for i in (1, 2, 3)]
    slug = name.lower()
    return SimpleNamespace(
        council=council, provider=provider, contract=contract, workers=workers,
        clients=[client_for(contract, f"{name}Client{i}") for i in (1, 2)],
        coordinator=user(f"coord@{slug}.example", "coordinator", provider_id=provider.id),
        admin=user(f"admin@{slug}.example", "provider_admin", provider_id=provider.id),
        officer=user(f"officer-{slug}@council.example", "council_officer", council_id=council.id),
    )


def visit(client: Client, start: str, minutes: int = 30, *carers, status: str = "completed", **extra) -> Visit:
    """carers: (worker, check_in, check_out) tuples of local times (None for missing)."""
    v = add(Visit(client_id=client.id, contract_id=client.contract_id, provider_id=client.contract.provider_id,
                  planned_start=at(start), planned_minutes=minutes, carers_required=max(1, len(carers)),
                  status=status, **extra))
    for position, (worker, check_in, check_out) in enumerate(carers, start=1):
        add(VisitAssignment(visit_id=v.id, worker_id=worker.id, position=position, checked_in_at=at(check_in),
                            checked_out_at=at(check_out), check_in_geofence="verified" if check_in else None,
                            check_out_geofence="verified" if check_out else None))
    return v


def exception(v: Visit, kind: str, worker: Worker | None = None, resolved: bool = False) -> VisitException:
    raised = v.planned_start
    return add(VisitException(visit_id=v.id, worker_id=worker.id if worker else None, kind=kind, raised_at=raised,
                              resolved_at=raised if resolved else None))


def activity(
    client: Client, worker: Worker, recorder: User, category: str, minutes: int, when: str
) -> NonContactActivity:
    return add(
        NonContactActivity(
            idempotency_key=str(uuid.uuid4()),
            payload_hash="0" * 64,
            client_id=client.id,
            contract_id=client.contract_id,
            provider_id=client.contract.provider_id,
            worker_id=worker.id,
            recorded_by=recorder.id,
            category=category,
            minutes=minutes,
            occurred_at=at(when),
        )
    )


def package(client: Client, weekly: int, starts: date, ends: date | None = None) -> CarePackage:
    return add(CarePackage(client_id=client.id, weekly_minutes=weekly, starts_on=starts, ends_on=ends))
