"""Provider admins managing their own workers, clients and family access."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.audit.service import record
from server.auth.accounts import set_active
from server.auth.models import User
from server.auth.passwords import hash_password
from server.auth.tenancy import Identity, get_contract
from server.directory.models import Client, Council, FamilyLink, Provider, Worker
from server.errors import invalid, not_found
from server.extensions import db
from server.i18n import _


def _new_login(email: str, name: str, password: str, role: str, **tenant) -> User:
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise invalid("email", _("This email already has a login"))
    user = User(email=email, name=name, password_hash=hash_password(password), role=role, **tenant)
    db.session.add(user)
    return user


def create_worker(ident: Identity, data: dict, now: datetime) -> Worker:
    worker = Worker(provider_id=ident.provider_id, name=data["name"], staff_ref=data.get("staff_ref"),
                    phone=data.get("phone"))
    db.session.add(worker)
    db.session.flush()
    _new_login(data["email"], data["name"], data["password"], "worker",
               provider_id=ident.provider_id, worker_id=worker.id)
    record("worker.create", "worker", worker.id, user_id=ident.user_id, now=now)
    return worker


def get_provider(ident: Identity, provider_id: int) -> Provider:
    provider = db.session.get(Provider, provider_id)
    if provider is None or provider.id != ident.provider_id:
        raise not_found(_("Provider not found"))
    return provider


def get_council(ident: Identity, council_id: int) -> Council:
    """The officer's own council; any other is not found."""
    council = db.session.get(Council, council_id)
    if council is None or council.id != ident.council_id:
        raise not_found(_("Council not found"))
    return council


def get_worker(ident: Identity, worker_id: int) -> Worker:
    worker = db.session.get(Worker, worker_id)
    if worker is None or worker.provider_id != ident.provider_id:
        raise not_found(_("Worker not found"))
    return worker


def update_worker(ident: Identity, worker: Worker, data: dict, now: datetime) -> Worker:
    """Switching a worker off switches off their login too, so a leaver's phone stops working at once."""
    update(ident, worker, data, now)
    if "active" in data:
        login = db.session.scalar(select(User).where(User.worker_id == worker.id))
        if login is not None:
            set_active(ident.user_id, login, data["active"], now)
    return worker


def update(ident: Identity, obj, data: dict, now: datetime):
    for key, value in data.items():
        setattr(obj, key, value)
    record(f"{obj.__tablename__}.update", obj.__tablename__, obj.id, user_id=ident.user_id, now=now,
           fields=sorted(data))
    return obj


def create_client(ident: Identity, data: dict, now: datetime) -> Client:
    contract = get_contract(ident, data["contract_id"])
    client = Client(**data)
    client.contract_id = contract.id
    db.session.add(client)
    db.session.flush()
    record("client.create", "client", client.id, user_id=ident.user_id, now=now)
    return client


def add_family_member(ident: Identity, client: Client, data: dict, now: datetime) -> FamilyLink:
    user = _new_login(data["email"], data["name"], data["password"], "family")
    db.session.flush()
    link = FamilyLink(user_id=user.id, client_id=client.id, relationship_label=data.get("relationship_label"),
                      email=user.email, phone=data.get("phone"), channels=["email"])
    db.session.add(link)
    db.session.flush()
    record("family.link", "client", client.id, user_id=ident.user_id, now=now, family_user_id=user.id)
    return link
