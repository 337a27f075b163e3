"""The visits a caller may see, and the clients: a worker's clients are those on their visits.

Every read of visits goes through scope_visits, and every package above visits reads clients through
scope_clients here; an object outside the caller's slice is reported as not found.
"""
from __future__ import annotations

from sqlalchemy import select

from server.auth.models import Role
from server.auth.tenancy import Identity
from server.directory import tenancy as directory
from server.directory.models import Client
from server.errors import not_found
from server.extensions import db
from server.i18n import _
from server.visits.models import Visit, VisitAssignment


def scope_visits(stmt, ident: Identity):
    if ident.role == Role.WORKER:
        mine = select(VisitAssignment.visit_id).where(
            VisitAssignment.worker_id == ident.worker_id, VisitAssignment.removed_at.is_(None)
        )
        return stmt.where(Visit.id.in_(mine))
    if ident.acts_for_provider:
        return stmt.where(Visit.provider_id == ident.provider_id)
    if ident.role == Role.COUNCIL_OFFICER:
        return stmt.where(Visit.contract_id.in_(directory.contract_ids(ident)))
    if ident.role == Role.FAMILY:
        return stmt.where(Visit.client_id.in_(directory.family_client_ids(ident)))
    return stmt.where(False)


def scope_clients(stmt, ident: Identity):
    """Every role's clients: a worker's are those they are assigned to visit, the others' the directory's."""
    if ident.role == Role.WORKER:
        visited = (
            select(Visit.client_id)
            .join(VisitAssignment, VisitAssignment.visit_id == Visit.id)
            .where(VisitAssignment.worker_id == ident.worker_id, VisitAssignment.removed_at.is_(None))
        )
        return stmt.where(Client.id.in_(visited))
    return directory.scope_clients(stmt, ident)


def get_visit(ident: Identity, visit_id: int) -> Visit:
    visit = db.session.scalar(scope_visits(select(Visit).where(Visit.id == visit_id), ident))
    if visit is None:
        raise not_found(_("Visit not found"))
    return visit


def get_client(ident: Identity, client_id: int) -> Client:
    return directory.get_client(ident, client_id, scope=scope_clients)
