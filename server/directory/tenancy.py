"""The slice of the directory a caller may see: their contracts, the clients on them, the logins they manage.

Every read of these goes through a scope function here, so tenancy is decided in one place; an object
outside the caller's slice is reported as not found. Workers see clients only through their visits:
visits/tenancy.py widens the client scope for them, and every package above visits reads clients there.
"""
from __future__ import annotations

from sqlalchemy import or_, select

from server.auth.models import READERS, Role, User
from server.auth.tenancy import Identity
from server.directory.models import Client, Contract, FamilyLink
from server.errors import invalid, not_found
from server.extensions import db
from server.i18n import _


def family_client_ids(ident: Identity):
    """The clients a relative was given access to."""
    return select(FamilyLink.client_id).where(FamilyLink.user_id == ident.user_id)


def contract_ids(ident: Identity):
    if ident.acts_for_provider:
        return select(Contract.id).where(Contract.provider_id == ident.provider_id)
    return select(Contract.id).where(Contract.council_id == ident.council_id)


def scope_clients(stmt, ident: Identity):
    """The clients on the caller's contracts, or a relative's own; none for a worker (see visits/tenancy.py)."""
    if ident.acts_for_provider or ident.role == Role.COUNCIL_OFFICER:
        return stmt.where(Client.contract_id.in_(contract_ids(ident)))
    if ident.role == Role.FAMILY:
        return stmt.where(Client.id.in_(family_client_ids(ident)))
    return stmt.where(False)


def get_client(ident: Identity, client_id: int, scope=scope_clients) -> Client:
    """The client, if the scope (by default this one, which has no workers) lets the caller see it."""
    client = db.session.scalar(scope(select(Client).where(Client.id == client_id), ident))
    if client is None:
        raise not_found(_("Client not found"))
    return client


def scope_contracts(stmt, ident: Identity):
    if ident.role in READERS:
        return stmt.where(Contract.id.in_(contract_ids(ident)))
    return stmt.where(False)


def scope_users(stmt, ident: Identity):
    """The logins an administrator manages: a provider admin their provider's staff and workers, and the
    relatives they gave access to its clients; a council officer their council's officers."""
    if ident.role == Role.PROVIDER_ADMIN:
        relatives = (select(FamilyLink.user_id).join(Client, Client.id == FamilyLink.client_id)
                     .where(Client.contract_id.in_(contract_ids(ident))))
        return stmt.where(or_(User.provider_id == ident.provider_id, User.id.in_(relatives)))
    if ident.role == Role.COUNCIL_OFFICER:
        return stmt.where(User.council_id == ident.council_id)
    return stmt.where(False)


def get_user(ident: Identity, user_id: int) -> User:
    user = db.session.scalar(scope_users(select(User).where(User.id == user_id), ident))
    if user is None:
        raise not_found(_("User not found"))
    return user


def get_contract(ident: Identity, contract_id: int) -> Contract:
    contract = db.session.scalar(scope_contracts(select(Contract).where(Contract.id == contract_id), ident))
    if contract is None:
        raise not_found(_("Contract not found"))
    return contract


def covered_contracts(ident: Identity, contract_id: int | None = None,
                      provider_id: int | None = None) -> tuple[Contract, ...]:
    """The caller's contracts narrowed by the filters; a contract or provider outside their slice is a 404.

    The contracts share one time zone: a provider working for councils in different zones must pick
    one contract, since a local date would otherwise mean two things at once.
    """
    stmt = scope_contracts(select(Contract), ident).order_by(Contract.id)
    if contract_id is not None:
        contract = get_contract(ident, contract_id)
        if provider_id is not None and contract.provider_id != provider_id:
            raise invalid("provider_id", _("The contract is with another provider"))
        stmt = stmt.where(Contract.id == contract_id)
    if provider_id is not None:
        stmt = stmt.where(Contract.provider_id == provider_id)
    contracts = tuple(db.session.scalars(stmt))
    if provider_id is not None and not contracts:
        raise not_found(_("Provider not found"))
    if len({c.council.timezone for c in contracts}) > 1:
        raise invalid("contract_id", _("These contracts are in different time zones; choose one contract"))
    return contracts
