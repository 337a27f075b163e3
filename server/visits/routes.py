from flask import current_app, jsonify
from flask_smorest import Blueprint
from sqlalchemy import select

from server.auth.models import STAFF, Role
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.direct_updates import write_now
from server.directory.models import Client
from server.directory.schemas import ClientSchema
from server.directory.service import get_worker
from server.errors import ApiError, ErrorSchema
from server.extensions import db
from server.i18n import _
from server.visits import activities, confirmation, conflicts, planning, queries, resolution, service
from server.visits.schemas import (
    ActivityInSchema,
    ActivitySchema,
    ConfirmationPinSchema,
    ConfirmationPinStateSchema,
    ConflictListSchema,
    ConflictQuerySchema,
    CorrectionInSchema,
    CorrectionSchema,
    EventInSchema,
    EventResultSchema,
    ExceptionResolveSchema,
    ExceptionSchema,
    PayDecisionInSchema,
    RunQuerySchema,
    RunSchema,
    TimelineSchema,
    VisitChangedSchema,
    VisitCreateSchema,
    VisitListQuerySchema,
    VisitPageSchema,
    VisitSchema,
    VisitUpdateSchema,
)
from server.visits.tenancy import get_client, get_visit, scope_clients

# Made once: webargs would build a schema given as a class again for every request.
EVENT_IN, EVENT_RESULT = EventInSchema(), EventResultSchema()
bp = Blueprint(
    "visits", __name__, url_prefix="/api/v1", description="Runs, visits, events, exceptions, non-contact work"
)


@bp.get("/run")
@bp.arguments(RunQuerySchema, location="query")
@bp.response(200, RunSchema)
def run(query):
    """A worker's visits for a local day (today by default); coordinators pass worker_id."""
    ident = current_identity()
    if ident.role == Role.WORKER:
        worker_id = ident.worker_id
    elif ident.is_provider_staff and query["worker_id"]:
        worker_id = get_worker(ident, query["worker_id"]).id  # another provider's worker is not found
    else:
        raise ApiError(403, "forbidden", _("Only a worker, or a coordinator naming a worker, has a run"))
    day, visits = queries.run_for(ident, worker_id, query["date"], utcnow())
    return {"date": day, "worker_id": worker_id, "visits": visits}


@bp.get("/visits")
@bp.arguments(VisitListQuerySchema, location="query")
@bp.response(200, VisitPageSchema)
def list_visits(query):
    """Visits in the caller's slice by local date range, status (or 'exception'), client, worker."""
    items, next_cursor = queries.list_visits(current_identity(), query)
    return {"items": items, "next_cursor": next_cursor}


@bp.post("/visits")
@roles_required(*STAFF)
@bp.arguments(VisitCreateSchema)
@bp.response(201, VisitChangedSchema)
def create_visit(body):
    """Plan a visit; warnings name any carer it double-books or leaves too little time to travel."""
    visit = planning.create_visit(current_identity(), body, utcnow())
    return _with_warnings(visit, 201)


def _with_warnings(visit, status):
    """The saved visit with the conflicts it is now part of, dumped before the commit from what the session holds."""
    queries.attach_open_exceptions([visit])
    visit.warnings = conflicts.conflicts_of(visit, current_app.config["CAREMON"])
    answer = VisitChangedSchema().dump(visit)
    db.session.commit()
    return jsonify(answer), status


@bp.get("/visits/conflicts")
@roles_required(*STAFF)
@bp.arguments(ConflictQuerySchema, location="query")
@bp.response(200, ConflictListSchema)
def list_conflicts(query):
    """Carers double-booked on a local day, or without the time to travel between consecutive visits
    (the shared travel model, by car)."""
    ident = current_identity()
    found = conflicts.conflicts_on(ident, query["date"], queries.tenant_timezone(ident), current_app.config["CAREMON"])
    return {"date": query["date"], "conflicts": found}


@bp.get("/visits/<int:visit_id>")
@bp.response(200, TimelineSchema)
def visit_timeline(visit_id):
    """The visit with every event, correction and exception, in time order."""
    return queries.timeline(get_visit(current_identity(), visit_id))


@bp.patch("/visits/<int:visit_id>")
@roles_required(*STAFF)
@bp.arguments(VisitUpdateSchema)
@bp.response(200, VisitChangedSchema)
def update_visit(body, visit_id):
    """Reschedule, change tasks, reassign carers, or cancel (cancel_reason alone); warnings as for a new visit."""
    ident = current_identity()
    visit = planning.update_visit(ident, get_visit(ident, visit_id), body, utcnow())
    return _with_warnings(visit, 200)


@bp.post("/visits/<int:visit_id>/events")
@roles_required(Role.WORKER)
@bp.arguments(EVENT_IN)
@bp.response(201, EventResultSchema)
@bp.alt_response(200, schema=EventResultSchema, description="The same event was already stored")
@bp.alt_response(409, schema=ErrorSchema, description="idempotency_conflict: the key was used for other content")
def record_event(body, visit_id):
    """Arrival, check-in/out, task, note or outcome progress; safe to retry with the same key.

    An event timed more than clock_skew_threshold_s ahead of server time is stored flagged clock_skew.
    """
    ident = current_identity()
    # Held for the answer: the session keeps a record only while something refers to it, so a replay, which
    # changes nothing, would otherwise read the visit again. record_event finds it in the session.
    visit, _assignment = service.visit_for_worker(visit_id, ident.worker_id)
    event, created = service.record_event(worker_id=ident.worker_id, visit_id=visit_id, data=body, now=utcnow(),
                                          skew_threshold_s=current_app.config["CAREMON"]["clock_skew_threshold_s"])
    queries.attach_open_exceptions([visit])
    # Dumped before the commit, from what the session already holds: after it, every row would be read again.
    answer = EVENT_RESULT.dump({"event": event, "duplicate": not created, "visit": visit})
    # The phone waits: the rows the event moved (the visit, the carer's times, the worker's position) are
    # written as they changed, not worked out again by the flush.
    write_now(db.session.dirty)
    db.session.commit()
    return jsonify(answer), 201 if created else 200


@bp.post("/visits/<int:visit_id>/corrections")
@roles_required(*STAFF)
@bp.arguments(CorrectionInSchema)
@bp.response(201, CorrectionSchema)
def correct_times(body, visit_id):
    """Enter a carer's real times with a reason code; the phone's events are kept as they were."""
    ident = current_identity()
    correction = resolution.correct_times(ident, get_visit(ident, visit_id), body, utcnow())
    db.session.commit()
    return correction


@bp.post("/visits/<int:visit_id>/exceptions/<int:exception_id>/resolve")
@roles_required(*STAFF)
@bp.arguments(ExceptionResolveSchema)
@bp.response(200, ExceptionSchema)
@bp.alt_response(409, schema=ErrorSchema, description="already_resolved")
def resolve_exception(body, visit_id, exception_id):
    ident = current_identity()
    exc = resolution.resolve_exception(ident, get_visit(ident, visit_id), exception_id, body, utcnow())
    db.session.commit()
    return exc


@bp.post("/visits/<int:visit_id>/pay-decision")
@roles_required(*STAFF)
@bp.arguments(PayDecisionInSchema)
@bp.response(200, VisitSchema)
def decide_pay(body, visit_id):
    """Accept a flagged visit for pay as recorded, or reject it, with a note (replaces an earlier decision)."""
    ident = current_identity()
    visit = resolution.decide_pay(ident, get_visit(ident, visit_id), body, utcnow())
    queries.attach_open_exceptions([visit])
    db.session.commit()
    return visit


# A worker's clients are those they are assigned to visit, so reading clients sits here, above the directory.
@bp.get("/clients")
@bp.response(200, ClientSchema(many=True))
def list_clients():
    return db.session.scalars(scope_clients(select(Client), current_identity()).order_by(Client.name)).all()


@bp.get("/clients/<int:client_id>")
@bp.response(200, ClientSchema)
def get_one_client(client_id):
    return get_client(current_identity(), client_id)


@bp.post("/clients/<int:client_id>/activities")
@roles_required(Role.WORKER, *STAFF)
@bp.arguments(ActivityInSchema)
@bp.response(201, ActivitySchema)
@bp.alt_response(200, schema=ActivitySchema, description="The same activity was already stored")
@bp.alt_response(409, schema=ErrorSchema, description="idempotency_conflict: the key was used for other content")
def log_activity(body, client_id):
    """Non-contact work for a client; safe to retry with the same key."""
    ident = current_identity()
    activity, created = activities.log_activity(ident, get_client(ident, client_id), body, utcnow())
    db.session.commit()
    return activity, 201 if created else 200


@bp.get("/clients/<int:client_id>/activities")
@bp.response(200, ActivitySchema(many=True))
def list_activities(client_id):
    return activities.activities_for(get_client(current_identity(), client_id))


@bp.put("/clients/<int:client_id>/confirmation-pin")
@roles_required(Role.FAMILY)
@bp.arguments(ConfirmationPinSchema)
@bp.response(200, ConfirmationPinStateSchema)
def set_confirmation_pin(body, client_id):
    """The family sets (or changes) the PIN they or the client type on the carer's phone to confirm a visit."""
    ident = current_identity()
    confirmation.set_pin(ident, get_client(ident, client_id), body["pin"], utcnow())
    db.session.commit()
    return {"pin_set": True}
