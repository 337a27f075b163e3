"""Provider admins managing their own workers, clients and family access."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.audit.service import record
from server.auth.accounts import new_login, set_active
from server.auth.models import Role, User
from server.auth.tenancy import Identity
from server.directory.models import Client, Council, FamilyLink, Provider, Worker
from server.directory.tenancy import get_contract
from server.errors import invalid, not_found
from server.extensions import db
from server.i18n import _


def create_worker(ident: Identity, data: dict, now: datetime) -> tuple[Worker, User]:
    """A worker and their login; the caller invites the login when no password was given."""
    worker = Worker(provider_id=ident.provider_id, name=data["name"], staff_ref=data.get("staff_ref"),
                    phone=data.get("phone"))
    db.session.add(worker)
    db.session.flush()
    login = new_login(data["email"], data["name"], data.get("password"), Role.WORKER,
                       provider_id=ident.provider_id, worker_id=worker.id)
    record("worker.create", "worker", worker.id, user_id=ident.user_id, now=now, login_user_id=login.id)
    return worker, login


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
    login = db.session.scalar(select(User).where(User.worker_id == worker.id))
    if login is not None and "active" in data:
        set_active(ident.user_id, login, data["active"], now)
    if login is not None and "name" in data:
        login.name = data["name"]
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


def add_family_member(ident: Identity, client: Client, data: dict, now: datetime) -> tuple[FamilyLink, User, bool]:
    """Link a relative to the client: a new login (with the password given, or to be invited by the caller),
    or a relative who already has one, whose password is theirs and is never set here.

    Returns the link, the login, and whether the login is new."""
    email = data["email"].strip().lower()
    user = db.session.scalar(select(User).where(User.email == email))
    created = user is None
    if created:
        user = new_login(email, data["name"], data.get("password"), Role.FAMILY)
    elif user.role != Role.FAMILY:
        raise invalid("email", _("This email is a login of staff, not of a family member"))
    elif data.get("password"):
        raise invalid("password", _("This relative already has a login; leave the password out to link it"))
    elif db.session.scalar(select(FamilyLink.id).where(FamilyLink.user_id == user.id,
                                                       FamilyLink.client_id == client.id)):
        raise invalid("email", _("This relative is already linked to %(client)s", client=client.name))
    link = FamilyLink(user_id=user.id, client_id=client.id, relationship_label=data.get("relationship_label"),
                      email=user.email, phone=data.get("phone"), channels=["email"])
    db.session.add(link)
    db.session.flush()
    record("family.link", "client", client.id, user_id=ident.user_id, now=now, family_user_id=user.id,
           new_login=created)
    return link, user, created


def get_family_link(client: Client, link_id: int) -> FamilyLink:
    link = db.session.get(FamilyLink, link_id)
    if link is None or link.client_id != client.id:
        raise not_found(_("Family link not found"))
    return link


def remove_family_link(ident: Identity, link: FamilyLink, now: datetime) -> None:
    """The relative stops seeing the client at their next request; their login stays for any other relative."""
    db.session.delete(link)
    db.session.flush()
    record("family.unlink", "client", link.client_id, user_id=ident.user_id, now=now, family_user_id=link.user_id)
