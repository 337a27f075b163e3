from marshmallow import fields, validate

from server.planner.models import Plan, PlanStatus
from server.schemas import ModelSchema, Schema, key


class PlanInSchema(Schema):
    date = fields.Date(required=True, metadata={"description": "First local day to plan"})
    provider_id = key(load_default=None, metadata={"description": "Your provider (the only one you may plan)"})
    days = fields.Integer(strict=True, load_default=1, validate=validate.Range(1, 7), metadata={
        "description": "Days from date to plan, each on its own (a week at most)"})
    replan_assigned = fields.Boolean(load_default=False, metadata={
        "description": "Plan visits that already have carers too; otherwise they keep them"})
    time_limit_s = fields.Integer(strict=True, load_default=None, validate=validate.Range(1, 600), metadata={
        "description": "Seconds the solver may take per day (at most the plan_time_limit_s setting)"})


class PlanSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = Plan
        fields = ("id", "provider_id", "date", "days", "options", "status", "result", "error", "created_at",
                  "started_at", "finished_at", "published_at")

    date = fields.Date(attribute="day")
    options = fields.Dict()
    status = fields.String(validate=validate.OneOf(tuple(PlanStatus)), metadata={
        "description": "queued, running, done (ready to publish), failed, or published"})
    result = fields.Dict(allow_none=True, metadata={
        "description": "assignments (visit_id, worker_ids, start, moved_minutes), runs (worker_id, stops with "
                       "travel_minutes, travel_minutes), unassigned (visit_id, reason, message), fingerprints, "
                       "travel_minutes, solver, seconds"})
