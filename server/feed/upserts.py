"""Clients (with their care package), workers and planned visits, created or brought up to date by the
provider's own references.

Sending the same item again changes nothing (answered unchanged). A visit already under way or delivered is
never rewritten by a feed: its changes open a feed_change exception for a coordinator (answered held).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.auth.tenancy import Identity, get_visit
from server.care.models import CarePackage
from server.directory.models import Client, Contract, Worker
from server.errors import invalid, not_found
from server.extensions import db
from server.feed import refs
from server.feed.models import REF_CLIENT, REF_VISIT, REF_WORKER
from server.visits import planning
from server.visits.models import Visit
from server.visits.service import cancel, open_exception

CREATED, UPDATED, UNCHANGED, HELD = "created", "updated", "unchanged", "held"
FEED_CHANGE = "feed_change"
# Statuses after which a visit's plan is history: changes wait for a coordinator.
DELIVERED = ("in_progress", "completed")


def _set(obj, values: dict) -> list[str]:
    """Write the values that differ; the names of those changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def _answer(ref: str, record_id: int, created: bool, changed) -> dict:
    return {"ref": ref, "status": CREATED if created else UPDATED if changed else UNCHANGED, "id": record_id}


def upsert_client(ident: Identity, source: str, item: dict, now: datetime) -> dict:
    contract_id = db.session.scalar(select(Contract.id).where(
        Contract.provider_id == ident.provider_id, Contract.reference == item["contract_reference"]))
    if contract_id is None:
        raise invalid("contract_reference", "Not one of this provider's contracts")
    values = {"contract_id": contract_id, **{k: item[k] for k in (
        "name", "address", "postcode", "lat", "lon", "access_notes", "active")}}
    record_id = refs.find(ident.provider_id, REF_CLIENT, item["ref"])
    if record_id is None:
        client = Client(**values, created_at=now)
        db.session.add(client)
        db.session.flush()
        refs.bind(ident.provider_id, REF_CLIENT, item["ref"], client.id, source, now)
        changed = ["created"]
    else:
        client = db.session.get(Client, record_id)
        changed = _set(client, values)
    changed += _care_package(client, item["care_package"])
    return _answer(item["ref"], client.id, record_id is None, changed)


def _care_package(client: Client, data: dict | None) -> list[str]:
    """One package per start date: a later start is a new package, the same start updates it."""
    if data is None:
        return []
    package = db.session.scalar(select(CarePackage).where(
        CarePackage.client_id == client.id, CarePackage.starts_on == data["starts_on"]))
    if package is None:
        db.session.add(CarePackage(client_id=client.id, **data))
        return ["care_package"]
    return _set(package, data)


def upsert_worker(ident: Identity, source: str, item: dict, now: datetime) -> dict:
    values = {k: item[k] for k in ("name", "staff_ref", "phone", "active")}
    record_id = refs.find(ident.provider_id, REF_WORKER, item["ref"])
    if record_id is None:
        worker = Worker(provider_id=ident.provider_id, **values)
        db.session.add(worker)
        db.session.flush()
        refs.bind(ident.provider_id, REF_WORKER, item["ref"], worker.id, source, now)
        return _answer(item["ref"], worker.id, True, True)
    worker = db.session.get(Worker, record_id)
    return _answer(item["ref"], worker.id, False, _set(worker, values))


def upsert_visit(ident: Identity, source: str, item: dict, now: datetime) -> dict:
    plan = _plan(ident, item)
    record_id = refs.find(ident.provider_id, REF_VISIT, item["ref"])
    if record_id is None:
        visit = planning.create_visit(ident, plan, now)
        if item["cancel_reason"]:
            cancel(visit, item["cancel_reason"], now)
        refs.bind(ident.provider_id, REF_VISIT, item["ref"], visit.id, source, now)
        return _answer(item["ref"], visit.id, True, True)

    visit = get_visit(ident, record_id)
    if visit.client_id != plan["client_id"]:
        raise invalid("client_ref", "A visit cannot move to another client; cancel it and send a new one")
    changes = _changes(visit, plan, item["cancel_reason"])
    if not changes:
        return _answer(item["ref"], visit.id, False, False)
    if visit.status == "cancelled":
        raise invalid("cancel_reason", "A cancelled visit cannot be changed; send a new visit")
    if visit.status in DELIVERED or visit.started_at is not None:
        return _hold(visit, item["ref"], changes, source, now)
    if "carers_required" in changes:
        visit.carers_required = plan["carers_required"]
    planning.update_visit(ident, visit, {k: plan[k] if k in plan else item[k] for k in changes
                                         if k != "carers_required"}, now)
    return _answer(item["ref"], visit.id, False, True)


def _plan(ident: Identity, item: dict) -> dict:
    """The item in Caremon's own ids, every reference checked within the provider."""
    client_id = refs.find(ident.provider_id, REF_CLIENT, item["client_ref"])
    if client_id is None:
        raise not_found("client")
    if len(set(item["worker_refs"])) != len(item["worker_refs"]):
        raise invalid("worker_refs", "A worker is listed twice")
    workers = refs.find_many(ident.provider_id, REF_WORKER, item["worker_refs"])
    unknown = [r for r in item["worker_refs"] if r not in workers]
    if unknown:
        raise invalid("worker_refs", f"Unknown workers: {unknown}")
    return {"client_id": client_id, "planned_start": item["planned_start"],
            "planned_minutes": item["planned_minutes"], "tasks": item["tasks"],
            "carers_required": item["carers_required"] or max(1, len(workers)),
            "worker_ids": [workers[r] for r in item["worker_refs"]]}


def _changes(visit: Visit, plan: dict, cancel_reason: str | None) -> dict:
    """What the item would change, as {field: (now, wanted)}."""
    current = {"planned_start": visit.planned_start, "planned_minutes": visit.planned_minutes,
               "tasks": visit.tasks or [], "carers_required": visit.carers_required,
               "worker_ids": [a.worker_id for a in visit.active_assignments]}
    changes = {k: (v, plan[k]) for k, v in current.items() if plan[k] != v}
    if cancel_reason and visit.status != "cancelled":
        changes["cancel_reason"] = (None, cancel_reason)
    return changes


def _hold(visit: Visit, ref: str, changes: dict, source: str, now: datetime) -> dict:
    """A coordinator decides: the newest change a system asks for is kept in the one open exception."""
    detail = (f"{source} asks to change a visit already {visit.status.replace('_', ' ')}: "
              + "; ".join(f"{k} {_text(old)} -> {_text(new)}" for k, (old, new) in changes.items()))[:400]
    exc = open_exception(visit, FEED_CHANGE, now, detail=detail)
    exc.detail = detail
    return {"ref": ref, "status": HELD, "id": visit.id, "error": {
        "code": "visit_delivered", "message": "The visit is under way or delivered; a coordinator reviews the change",
        "details": {"exception_id": exc.id, "fields": sorted(changes)}}}


def _text(value) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)
