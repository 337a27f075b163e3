"""Clients (with their care package), workers and planned visits, created or brought up to date by the
provider's own references.

Sending the same item again changes nothing (answered unchanged). A visit already under way or delivered is
never rewritten by a feed: its changes open a feed_change exception for a coordinator (answered held).
Each batch resolves its references and loads their records before its first item, so a batch of thousands
costs a few queries more than its writes. Who created a record is kept with its reference (source_system,
created_at); changes to visits are audited one by one, as a coordinator's are.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.auth.tenancy import Identity
from server.care.models import CarePackage
from server.directory.models import Client, Contract, Worker
from server.errors import invalid, not_found
from server.extensions import db
from server.feed import refs
from server.feed.models import REF_CLIENT, REF_VISIT, REF_WORKER, UpsertStatus
from server.i18n import _
from server.visits import planning
from server.visits.models import ATTENDED, ExceptionKind, Visit, VisitAssignment, VisitStatus
from server.visits.service import cancel, open_exception


def _set(obj, values: dict) -> list[str]:
    """Write the values that differ; the names of those changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


class Upserts:
    """One batch of one kind of record: its references and their records loaded once, before the first item;
    records the batch creates are added as they are made, so a reference sent twice in one batch is one record."""

    kind: str
    model: type

    def __init__(self, ident: Identity, source: str, items: list, now: datetime):
        self.ident, self.source, self.now = ident, source, now
        self.ids = refs.find_many(ident.provider_id, self.kind, refs.refs_in(items, "ref"))
        self.records = refs.load(self.model, self.ids.values())

    def __call__(self, item: dict) -> dict:
        record = self.records.get(self.ids.get(item["ref"]))
        if record is None:
            record = self.create(item)
            refs.bind(self.ident.provider_id, self.kind, item["ref"], record.id, self.source, self.now)
            self.ids[item["ref"]], self.records[record.id] = record.id, record
            return {"ref": item["ref"], "status": UpsertStatus.CREATED, "id": record.id}
        answer = self.update(record, item)
        return answer if isinstance(answer, dict) else {
            "ref": item["ref"], "status": UpsertStatus.UPDATED if answer else UpsertStatus.UNCHANGED, "id": record.id}

    def create(self, item: dict):
        raise NotImplementedError

    def update(self, record, item: dict) -> list[str] | dict:
        """The names of the fields changed, or a whole answer."""
        raise NotImplementedError


class ClientUpserts(Upserts):
    kind, model = REF_CLIENT, Client

    def __init__(self, ident: Identity, source: str, items: list, now: datetime):
        super().__init__(ident, source, items, now)
        self.contracts = dict(db.session.execute(select(Contract.reference, Contract.id).where(
            Contract.provider_id == ident.provider_id)).all())
        known = sorted(self.records)
        self.packages = {(p.client_id, p.starts_on): p for start in range(0, len(known), refs.CHUNK)
                         for p in db.session.scalars(select(CarePackage).where(
                             CarePackage.client_id.in_(known[start:start + refs.CHUNK])))}

    def _values(self, item: dict) -> dict:
        contract_id = self.contracts.get(item["contract_reference"])
        if contract_id is None:
            raise invalid("contract_reference", _("Not one of this provider's contracts"))
        return {"contract_id": contract_id, **{k: item[k] for k in (
            "name", "address", "postcode", "lat", "lon", "access_notes", "active")}}

    def create(self, item: dict) -> Client:
        client = Client(**self._values(item), created_at=self.now)
        db.session.add(client)
        db.session.flush()
        if item["care_package"] is not None:
            db.session.add(CarePackage(client_id=client.id, **item["care_package"]))
        return client

    def update(self, client: Client, item: dict) -> list[str]:
        return _set(client, self._values(item)) + self._care_package(client, item["care_package"])

    def _care_package(self, client: Client, data: dict | None) -> list[str]:
        """One package per start date: a later start is a new package, the same start updates it."""
        if data is None:
            return []
        # Packages stored before the batch were loaded with it; one added by an earlier item is looked up.
        package = self.packages.get((client.id, data["starts_on"])) or db.session.scalar(select(CarePackage).where(
            CarePackage.client_id == client.id, CarePackage.starts_on == data["starts_on"]))
        if package is None:
            db.session.add(CarePackage(client_id=client.id, **data))
            return ["care_package"]
        return _set(package, data)


class WorkerUpserts(Upserts):
    kind, model = REF_WORKER, Worker
    FIELDS = ("name", "staff_ref", "phone", "active")

    def create(self, item: dict) -> Worker:
        worker = Worker(provider_id=self.ident.provider_id, **{k: item[k] for k in self.FIELDS})
        db.session.add(worker)
        db.session.flush()
        return worker

    def update(self, worker: Worker, item: dict) -> list[str]:
        return _set(worker, {k: item[k] for k in self.FIELDS})


class VisitUpserts(Upserts):
    kind, model = REF_VISIT, Visit

    def __init__(self, ident: Identity, source: str, items: list, now: datetime):
        super().__init__(ident, source, items, now)
        client_ids = refs.find_many(ident.provider_id, REF_CLIENT, refs.refs_in(items, "client_ref"))
        clients = refs.load(Client, client_ids.values())
        self.clients = {ref: clients[client_id] for ref, client_id in client_ids.items()}
        self.workers = refs.find_many(ident.provider_id, REF_WORKER, refs.refs_in(items, "worker_refs"))
        self.active_workers = set(db.session.scalars(select(Worker.id).where(
            Worker.id.in_(self.workers.values()), Worker.active.is_(True)))) if self.workers else set()

    def create(self, item: dict) -> Visit:
        plan = self._plan(item)
        visit = Visit(contract_id=plan.pop("client").contract_id, provider_id=self.ident.provider_id,
                      **{k: v for k, v in plan.items() if k != "worker_ids"})
        visit.assignments = [VisitAssignment(worker_id=worker_id, position=position)
                             for position, worker_id in enumerate(plan["worker_ids"], start=1)]
        db.session.add(visit)
        db.session.flush()
        if item["cancel_reason"]:
            cancel(visit, item["cancel_reason"], self.now)
        return visit

    def update(self, visit: Visit, item: dict) -> list[str] | dict:
        plan = self._plan(item)
        if visit.client_id != plan.pop("client").id:
            raise invalid("client_ref", _("A visit cannot move to another client; cancel it and send a new one"))
        changes = _changes(visit, plan, item["cancel_reason"])
        if not changes:
            return []
        if visit.status == VisitStatus.CANCELLED:
            raise invalid("cancel_reason", _("A cancelled visit cannot be changed; send a new visit"))
        if visit.status in ATTENDED or visit.started_at is not None:
            return _hold(visit, item["ref"], changes, self.source, self.now)
        if "carers_required" in changes:
            visit.carers_required = plan["carers_required"]
        wanted = {**plan, "cancel_reason": item["cancel_reason"]}
        planning.update_visit(self.ident, visit, {k: wanted[k] for k in changes if k != "carers_required"}, self.now)
        return list(changes)

    def _plan(self, item: dict) -> dict:
        """The item in Caremon's own ids, every reference checked within the provider."""
        client = self.clients.get(item["client_ref"])
        if client is None:
            raise not_found(_("Client not found"))
        worker_refs = item["worker_refs"]
        if len(set(worker_refs)) != len(worker_refs):
            raise invalid("worker_refs", _("A worker is listed twice"))
        unknown = [r for r in worker_refs if self.workers.get(r) not in self.active_workers]
        if unknown:
            raise invalid("worker_refs", _("Unknown or inactive workers: %(refs)s", refs=unknown))
        return {"client": client, "client_id": client.id, "planned_start": item["planned_start"],
                "planned_minutes": item["planned_minutes"], "tasks": item["tasks"],
                "carers_required": item["carers_required"] or max(1, len(worker_refs)),
                "worker_ids": [self.workers[r] for r in worker_refs], "service_code": item["service_code"],
                "visit_type": item["visit_type"]}


def _changes(visit: Visit, plan: dict, cancel_reason: str | None) -> dict:
    """What the item would change, as {field: (now, wanted)}."""
    current = {"planned_start": visit.planned_start, "planned_minutes": visit.planned_minutes,
               "tasks": visit.tasks or [], "carers_required": visit.carers_required,
               "worker_ids": [a.worker_id for a in visit.active_assignments], "service_code": visit.service_code,
               "visit_type": visit.visit_type}
    changes = {k: (v, plan[k]) for k, v in current.items() if plan[k] != v}
    if cancel_reason and visit.status != VisitStatus.CANCELLED:
        changes["cancel_reason"] = (None, cancel_reason)
    return changes


def _hold(visit: Visit, ref: str, changes: dict, source: str, now: datetime) -> dict:
    """A coordinator decides: the newest change a system asks for is kept in the one open exception."""
    detail = (f"{source} asks to change a visit already {visit.status.replace('_', ' ')}: "
              + "; ".join(f"{k} {_text(old)} -> {_text(new)}" for k, (old, new) in changes.items()))[:400]
    exc = open_exception(visit, ExceptionKind.FEED_CHANGE, now, detail=detail)
    exc.detail = detail
    db.session.flush()  # its id, for the answer
    return {"ref": ref, "status": UpsertStatus.HELD, "id": visit.id, "error": {
        "code": "visit_delivered", "message": "The visit is under way or delivered; a coordinator reviews the change",
        "details": {"exception_id": exc.id, "fields": sorted(changes)}}}


def _text(value) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)
