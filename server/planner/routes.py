from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import select

from server.audit.service import record
from server.auth.models import STAFF
from server.auth.tenancy import Identity, current_identity, roles_required
from server.db_types import utcnow
from server.errors import ApiError, ErrorSchema, not_found
from server.extensions import db
from server.i18n import _
from server.planner import jobs, publishing
from server.planner.models import Plan, PlanStatus
from server.planner.schemas import PlanInSchema, PlanSchema

bp = Blueprint("planner", __name__, url_prefix="/api/v1", description="Planning a day's visits across carers")


def get_plan(ident: Identity, plan_id: int) -> Plan:
    plan = db.session.scalar(select(Plan).where(Plan.id == plan_id, Plan.provider_id == ident.provider_id))
    if plan is None:
        raise not_found(_("Plan not found"))
    return plan


@bp.post("/plans")
@roles_required(*STAFF)
@bp.arguments(PlanInSchema)
@bp.response(202, PlanSchema)
@bp.alt_response(409, schema=ErrorSchema, description="plan_running: a plan of the provider is still being made")
def create_plan(body):
    """Start planning (a background job): poll GET /plans/<id> until done, then publish it."""
    ident = current_identity()
    if body["provider_id"] not in (None, ident.provider_id):
        raise not_found(_("Provider not found"))
    busy = db.session.scalar(select(Plan.id).where(Plan.provider_id == ident.provider_id,
                                                   Plan.status.in_((PlanStatus.QUEUED, PlanStatus.RUNNING))))
    if busy is not None:
        raise ApiError(409, "plan_running", _("Plan %(id)s is still being made", id=busy), {"plan_id": busy})
    now = utcnow()
    plan = Plan(provider_id=ident.provider_id, day=body["date"], days=body["days"], created_by=ident.user_id,
                created_at=now, options={"replan_assigned": body["replan_assigned"],
                                         "time_limit_s": body["time_limit_s"]})
    db.session.add(plan)
    db.session.flush()
    record("plan.create", "plan", plan.id, user_id=ident.user_id, now=now, date=str(plan.day), days=plan.days)
    db.session.commit()
    jobs.start(current_app._get_current_object(), plan.id)
    return plan


@bp.get("/plans/<int:plan_id>")
@roles_required(*STAFF)
@bp.response(200, PlanSchema)
def read_plan(plan_id):
    """The plan's status, and once done its assignments, runs and unassigned visits with reasons."""
    return get_plan(current_identity(), plan_id)


@bp.post("/plans/<int:plan_id>/publish")
@roles_required(*STAFF)
@bp.response(200, PlanSchema)
@bp.alt_response(409, schema=ErrorSchema, description="plan_stale (visits changed since) or plan_not_ready")
def publish_plan(plan_id):
    """Apply the plan to the roster in one transaction; carers see the change on their run."""
    ident = current_identity()
    plan = publishing.publish(ident, get_plan(ident, plan_id), utcnow())
    db.session.commit()
    return plan
