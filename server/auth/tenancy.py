"""Who is asking, and the slice of data they may see.

Every read goes through one of the scope functions here, so tenancy is decided
in one place; an object outside the caller's slice is reported as not found.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import request
from flask_jwt_extended import get_jwt, get_jwt_identity, verify_jwt_in_request
from sqlalchemy import or_, select

from server.auth.models import READERS, STAFF, Role, User
from server.directory.models import Client, Contract, FamilyLink
from server.errors import ApiError, invalid, not_found
from server.extensions import db
from server.i18n import _
from server.visits.models import Visit, VisitAssignment


@dataclass(frozen=True)
class Identity:
    user_id: int | None
    role: str
    provider_id: int | None = None
    council_id: int | None = None
    worker_id: int | None = None
    # A provider's other system, signed in with its client credentials (user_id None), and what it may do.
    api_client_id: int | None = None
    scopes: tuple[str, ...] = ()

    @property
    def is_provider_staff(self) -> bool:
        return self.role in STAFF

    @property
    def acts_for_provider(self) -> bool:
        """Provider staff and the provider's API clients see the provider's whole slice."""
        return self.is_provider_staff or self.api_client_id is not None

    def family_client_ids(self):
        return select(FamilyLink.client_id).where(FamilyLink.user_id == self.user_id)


def current_identity() -> Identity:
    """The caller, from the verified token's claims (tenant ids travel in the token).

    Kept on the request object, so the token is checked against the blocklist once per request.
    """
    cached = getattr(request, "_caremon_identity", None)
    if cached is not None:
        return cached
    verify_jwt_in_request()
    claims = get_jwt()
    if "api_client_id" in claims:
        ident = Identity(user_id=None, role=claims["role"], provider_id=claims["provider_id"],
                         api_client_id=claims["api_client_id"], scopes=tuple(claims["scopes"]))
    else:
        ident = Identity(
            user_id=int(get_jwt_identity()), role=claims["role"],
            provider_id=claims.get("provider_id"), council_id=claims.get("council_id"),
            worker_id=claims.get("worker_id"),
        )
    request._caremon_identity = ident
    return ident


def roles_required(*roles: str):
    """Signed-in users of other roles get 403: the endpoint itself is not theirs."""

    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            if current_identity().role not in roles:
                raise ApiError(403, "forbidden", _("Your role cannot use this endpoint"))
            return fn(*args, **kwargs)

        return wrapper

    return decorator


def _contract_ids(ident: Identity):
    if ident.acts_for_provider:
        return select(Contract.id).where(Contract.provider_id == ident.provider_id)
    return select(Contract.id).where(Contract.council_id == ident.council_id)


def scope_visits(stmt, ident: Identity):
    if ident.role == Role.WORKER:
        mine = select(VisitAssignment.visit_id).where(
            VisitAssignment.worker_id == ident.worker_id, VisitAssignment.removed_at.is_(None)
        )
        return stmt.where(Visit.id.in_(mine))
    if ident.acts_for_provider:
        return stmt.where(Visit.provider_id == ident.provider_id)
    if ident.role == Role.COUNCIL_OFFICER:
        return stmt.where(Visit.contract_id.in_(_contract_ids(ident)))
    if ident.role == Role.FAMILY:
        return stmt.where(Visit.client_id.in_(ident.family_client_ids()))
    return stmt.where(False)


def scope_clients(stmt, ident: Identity):
    if ident.role == Role.WORKER:
        visited = (
            select(Visit.client_id)
            .join(VisitAssignment, VisitAssignment.visit_id == Visit.id)
            .where(VisitAssignment.worker_id == ident.worker_id, VisitAssignment.removed_at.is_(None))
        )
        return stmt.where(Client.id.in_(visited))
    if ident.acts_for_provider or ident.role == Role.COUNCIL_OFFICER:
        return stmt.where(Client.contract_id.in_(_contract_ids(ident)))
    if ident.role == Role.FAMILY:
        return stmt.where(Client.id.in_(ident.family_client_ids()))
    return stmt.where(False)


def scope_contracts(stmt, ident: Identity):
    if ident.role in READERS:
        return stmt.where(Contract.id.in_(_contract_ids(ident)))
    return stmt.where(False)


def scope_users(stmt, ident: Identity):
    """The logins an administrator manages: a provider admin their provider's staff and workers, and the
    relatives they gave access to its clients; a council officer their council's officers."""
    if ident.role == Role.PROVIDER_ADMIN:
        relatives = (select(FamilyLink.user_id).join(Client, Client.id == FamilyLink.client_id)
                     .where(Client.contract_id.in_(_contract_ids(ident))))
        return stmt.where(or_(User.provider_id == ident.provider_id, User.id.in_(relatives)))
    if ident.role == Role.COUNCIL_OFFICER:
        return stmt.where(User.council_id == ident.council_id)
    return stmt.where(False)


def get_user(ident: Identity, user_id: int) -> User:
    user = db.session.scalar(scope_users(select(User).where(User.id == user_id), ident))
    if user is None:
        raise not_found(_("User not found"))
    return user


def get_visit(ident: Identity, visit_id: int) -> Visit:
    visit = db.session.scalar(scope_visits(select(Visit).where(Visit.id == visit_id), ident))
    if visit is None:
        raise not_found(_("Visit not found"))
    return visit


def get_client(ident: Identity, client_id: int) -> Client:
    client = db.session.scalar(scope_clients(select(Client).where(Client.id == client_id), ident))
    if client is None:
        raise not_found(_("Client not found"))
    return client


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
