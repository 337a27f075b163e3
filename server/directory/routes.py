from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import select

from server.auth import accounts
from server.auth.models import ADMINS, READERS, STAFF, Role, User
from server.auth.resets import send_link
from server.auth.schemas import ManagedUserSchema, ResetIssuedSchema, StaffInviteSchema, UserListQuerySchema
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.directory import geocoding, service
from server.directory.models import Contract, FamilyLink, Worker
from server.directory.schemas import (
    ClientSchema,
    ClientUpdateSchema,
    ContractSchema,
    CouncilSchema,
    FamilyLinkSchema,
    FamilyMemberInSchema,
    GeocodeQuerySchema,
    PlaceSchema,
    ProviderSchema,
    WorkerCreateSchema,
    WorkerSchema,
)
from server.directory.tenancy import get_client, get_user, scope_contracts, scope_users
from server.errors import ErrorSchema
from server.extensions import db

bp = Blueprint("directory", __name__, url_prefix="/api/v1",
               description="Contracts, workers, clients, family access, logins")


@bp.get("/contracts")
@roles_required(*READERS)
@bp.response(200, ContractSchema(many=True))
def list_contracts():
    return db.session.scalars(scope_contracts(select(Contract), current_identity()).order_by(Contract.id)).all()


@bp.get("/councils/<int:council_id>")
@roles_required(Role.COUNCIL_OFFICER)
@bp.response(200, CouncilSchema)
def get_council(council_id):
    """The council's pay settings: holiday calendar, declared holidays, currency and minor unit."""
    return service.get_council(current_identity(), council_id)


@bp.patch("/councils/<int:council_id>")
@roles_required(Role.COUNCIL_OFFICER)
@bp.arguments(CouncilSchema(partial=True))
@bp.response(200, CouncilSchema)
def update_council(body, council_id):
    """Set the holiday calendar (with days the council declares), currency and minor unit; exports and pay
    explanations use them from the next request."""
    ident = current_identity()
    council = service.update(ident, service.get_council(ident, council_id), body, utcnow())
    db.session.commit()
    return council


@bp.get("/providers/<int:provider_id>")
@roles_required(*STAFF)
@bp.response(200, ProviderSchema)
def get_provider(provider_id):
    return service.get_provider(current_identity(), provider_id)


@bp.patch("/providers/<int:provider_id>")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(ProviderSchema(partial=True))
@bp.response(200, ProviderSchema)
def update_provider(body, provider_id):
    """The provider's name and on-call contact (who gets escalated missed-visit alerts)."""
    ident = current_identity()
    provider = service.update(ident, service.get_provider(ident, provider_id), body, utcnow())
    db.session.commit()
    return provider


@bp.get("/workers")
@roles_required(*STAFF)
@bp.response(200, WorkerSchema(many=True))
def list_workers():
    ident = current_identity()
    return db.session.scalars(select(Worker).where(Worker.provider_id == ident.provider_id).order_by(Worker.name)).all()


@bp.post("/workers")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(WorkerCreateSchema)
@bp.response(201, WorkerSchema)
def create_worker(body):
    """A worker and their login, in the admin's own provider. Without a password the worker is emailed an
    invitation: a one-time link to choose their own (valid invitation_hours)."""
    ident, now = current_identity(), utcnow()
    worker, login = service.create_worker(ident, body, now)
    if body["password"] is None:
        send_link(ident, login, now, current_app.config["CAREMON"], invitation=True)
    db.session.commit()
    return worker


@bp.patch("/workers/<int:worker_id>")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(WorkerSchema(partial=True))
@bp.response(200, WorkerSchema)
def update_worker(body, worker_id):
    ident = current_identity()
    worker = service.update_worker(ident, service.get_worker(ident, worker_id), body, utcnow())
    db.session.commit()
    return worker


@bp.post("/clients")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(ClientSchema)
@bp.response(201, ClientSchema)
def create_client(body):
    client = service.create_client(current_identity(), body, utcnow())
    db.session.commit()
    return client


@bp.patch("/clients/<int:client_id>")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(ClientUpdateSchema(partial=True))
@bp.response(200, ClientSchema)
def update_client(body, client_id):
    ident = current_identity()
    client = service.update(ident, get_client(ident, client_id), body, utcnow())
    db.session.commit()
    return client


@bp.get("/clients/<int:client_id>/family")
@roles_required(*STAFF)
@bp.response(200, FamilyLinkSchema(many=True))
def list_family(client_id):
    client = get_client(current_identity(), client_id)
    return db.session.scalars(select(FamilyLink).where(FamilyLink.client_id == client.id)).all()


@bp.post("/clients/<int:client_id>/family")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(FamilyMemberInSchema)
@bp.response(201, FamilyLinkSchema)
def add_family(body, client_id):
    """Give a relative a login that sees this client's visits and nothing else, or link a relative who already
    has a family login. A new login without a password is emailed an invitation to choose one."""
    ident, now = current_identity(), utcnow()
    link, user, created = service.add_family_member(ident, get_client(ident, client_id), body, now)
    if created and body["password"] is None:
        send_link(ident, user, now, current_app.config["CAREMON"], invitation=True)
    db.session.commit()
    return link


@bp.delete("/clients/<int:client_id>/family/<int:link_id>")
@roles_required(Role.PROVIDER_ADMIN)
@bp.response(204)
def remove_family(client_id, link_id):
    """The relative no longer sees this client, from their next request; their login stays."""
    ident = current_identity()
    service.remove_family_link(ident, service.get_family_link(get_client(ident, client_id), link_id), utcnow())
    db.session.commit()


@bp.patch("/users/<int:user_id>")
@roles_required(*ADMINS)
@bp.arguments(ManagedUserSchema(partial=True))
@bp.response(200, ManagedUserSchema)
def update_user(body, user_id):
    """Switch a login off or on, or swap a coordinator and a provider admin; their tokens stop working at once."""
    ident = current_identity()
    user = accounts.update_user(ident, get_user(ident, user_id), body, utcnow())
    db.session.commit()
    return user


@bp.post("/users/<int:user_id>/password-reset")
@roles_required(*ADMINS)
@bp.response(202, ResetIssuedSchema)
def issue_reset(user_id):
    """Emails the user a one-time link to choose a new password; their current password works until then."""
    ident = current_identity()
    token = send_link(ident, get_user(ident, user_id), utcnow(), current_app.config["CAREMON"])
    db.session.commit()
    return token


@bp.post("/users/<int:user_id>/invitation")
@roles_required(*ADMINS)
@bp.response(202, ResetIssuedSchema)
def resend_invitation(user_id):
    """Emails the invitation again (a new one-time link to choose a password); earlier links still work once
    until they expire."""
    ident = current_identity()
    token = send_link(ident, get_user(ident, user_id), utcnow(), current_app.config["CAREMON"],
                              invitation=True)
    db.session.commit()
    return token


@bp.get("/users")
@roles_required(*ADMINS)
@bp.arguments(UserListQuerySchema, location="query")
@bp.response(200, ManagedUserSchema(many=True))
def list_users(query):
    """The logins the caller administers (a provider admin: its staff, workers and the relatives of its
    clients; a council officer: the council's officers), by name."""
    stmt = scope_users(select(User), current_identity()).order_by(User.name, User.id)
    if query["role"]:
        stmt = stmt.where(User.role == query["role"])
    return db.session.scalars(stmt).all()


@bp.post("/users")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(StaffInviteSchema)
@bp.response(201, ManagedUserSchema)
def invite_staff(body):
    """A coordinator or provider admin in the caller's provider, emailed a one-time link to choose a password."""
    ident, now = current_identity(), utcnow()
    user = accounts.create_staff(ident, body, now)
    send_link(ident, user, now, current_app.config["CAREMON"], invitation=True)
    db.session.commit()
    return user


@bp.get("/geocode")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(GeocodeQuerySchema, location="query")
@bp.response(200, PlaceSchema(many=True))
@bp.alt_response(409, schema=ErrorSchema, description="geocoder_off: no geocoder is configured (setting geocoder)")
@bp.alt_response(503, schema=ErrorSchema, description="geocoder_unavailable: the geocoder did not answer")
def geocode(query):
    """Places matching an address or postcode, best first, for setting a client's home; nothing is saved."""
    return geocoding.lookup(query["q"], current_app.config["CAREMON"])
