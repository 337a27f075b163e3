from marshmallow import ValidationError, fields, validate, validates_schema

from server.i18n import _
from server.outcomes.models import OutcomeReview
from server.schemas import LocalDate, LocalPeriodSchema, ModelSchema, Schema


class ReviewInSchema(Schema):
    due_on = LocalDate(required=True, metadata={"description": "Local date the review is due"})
    done_on = LocalDate(load_default=None, allow_none=True, metadata={"description": "Local date it was done"})
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class ReviewUpdateSchema(Schema):
    due_on = LocalDate()
    done_on = LocalDate(allow_none=True)
    notes = fields.String(allow_none=True, validate=validate.Length(max=4000))

    @validates_schema
    def _something(self, data, **_kwargs):
        if not data:
            raise ValidationError(_("Send at least one of due_on, done_on, notes"), "_schema")


class ReviewSchema(ModelSchema):
    class Meta(ModelSchema.Meta):
        model = OutcomeReview
        fields = ("id", "client_id", "due_on", "done_on", "notes", "on_time", "created_at")

    on_time = fields.Method("_on_time", metadata={"type": "boolean", "nullable": True})

    def _on_time(self, review):
        return None if review.done_on is None else review.done_on <= review.due_on


class StatementQuerySchema(Schema):
    """Optional local dates; by default the twelve weeks to today."""

    date_from = LocalDate(load_default=None)
    date_to = LocalDate(load_default=None)

    @validates_schema
    def _ordered(self, data, **_kwargs):
        first, last = data["date_from"], data["date_to"]
        if first and last and last < first:
            raise ValidationError(_("date_to is before date_from"), "date_to")
        if first and last and (last - first).days >= LocalPeriodSchema.max_days:
            raise ValidationError(
                _("A statement covers at most %(days)s days", days=LocalPeriodSchema.max_days), "date_to"
            )


class ProgressSchema(Schema):
    visit_id = fields.Integer()
    visit_start = fields.DateTime()
    recorded_at = fields.DateTime()
    score = fields.Integer()
    comment = fields.String(allow_none=True)
    worker = fields.String()


class TrendSchema(Schema):
    baseline = fields.Integer(allow_none=True)
    latest = fields.Integer(allow_none=True)
    change = fields.Integer(allow_none=True)
    direction = fields.String(metadata={"enum": ["improving", "steady", "declining", "not_enough_scores"]})


class StatementOutcomeSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    description = fields.String(allow_none=True)
    active = fields.Boolean()
    progress = fields.List(fields.Nested(ProgressSchema))
    trend = fields.Nested(TrendSchema)


class NoteSchema(Schema):
    visit_id = fields.Integer()
    at = fields.DateTime()
    text = fields.String()
    worker = fields.String()


class StatementReviewSchema(Schema):
    id = fields.Integer()
    due_on = fields.Date()
    done_on = fields.Date(allow_none=True)
    notes = fields.String(allow_none=True)
    on_time = fields.Boolean(allow_none=True)


class StatementPackageSchema(Schema):
    id = fields.Integer()
    weekly_minutes = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    reablement = fields.Boolean()
    planned_end_on = fields.Date(allow_none=True)
    planned_weekly_minutes = fields.Integer(allow_none=True)


class StatementSchema(Schema):
    client_id = fields.Integer()
    client_name = fields.String()
    client_reference = fields.String(allow_none=True)
    provider = fields.String()
    contract_reference = fields.String()
    date_from = fields.Date()
    date_to = fields.Date()
    generated_at = fields.DateTime()
    outcomes = fields.List(fields.Nested(StatementOutcomeSchema))
    notes = fields.List(fields.Nested(NoteSchema))
    reviews = fields.List(fields.Nested(StatementReviewSchema))
    packages = fields.List(fields.Nested(StatementPackageSchema))


class OutcomePaymentQuerySchema(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class MeasureSchema(Schema):
    name = fields.String(metadata={"enum": ["outcomes_held_or_improved", "reablement_on_time", "reviews_on_time"]})
    target_percent = fields.Decimal(as_string=True)
    weight = fields.Integer()
    release = fields.String(metadata={"enum": ["on_target", "pro_rata"]})
    cases = fields.Integer()
    met = fields.Integer()
    result_percent = fields.Decimal(as_string=True, allow_none=True)
    target_met = fields.Boolean(allow_none=True, metadata={"description": "None when there were no cases"})
    share_pence = fields.Integer()
    released_pence = fields.Integer()
    withheld_pence = fields.Integer()
    note = fields.String()


class OutcomeLineSchema(Schema):
    provider_id = fields.Integer()
    provider = fields.String()
    paid_pence = fields.Integer(metadata={"description": "The period's payment the top-slice is taken from"})
    top_slice_percent = fields.Decimal(as_string=True)
    retained_pence = fields.Integer()
    released_pence = fields.Integer()
    withheld_pence = fields.Integer()
    payable_pence = fields.Integer(metadata={"description": "paid_pence - withheld_pence"})
    explanation = fields.List(fields.String())
    measures = fields.List(fields.Nested(MeasureSchema))


class OutcomePaymentsSchema(Schema):
    period_id = fields.Integer()
    contract_id = fields.Integer()
    contract_reference = fields.String()
    provider_id = fields.Integer()
    provider = fields.String()
    date_from = fields.Date()
    date_to = fields.Date()
    rule_set = fields.String()
    model = fields.String(metadata={"enum": ["per_visit", "weekly_budget"]})
    lines = fields.List(fields.Nested(OutcomeLineSchema),
                        metadata={"description": "Empty when the period's rule set has no [outcome_payments]"})


class BudgetQuerySchema(LocalPeriodSchema):
    pass


class BudgetLineSchema(Schema):
    package_id = fields.Integer()
    client_id = fields.Integer()
    weekly_minutes = fields.Integer()
    weekly_budget_minor = fields.Integer(allow_none=True)
    reablement = fields.Boolean()
    planned_end_on = fields.Date(allow_none=True)
    planned_weekly_minutes = fields.Integer(allow_none=True)
    planned_weekly_budget_minor = fields.Integer(allow_none=True)
    minutes_after_plan = fields.Integer(allow_none=True)
    days = fields.Integer()
    budget_minor = fields.Integer()
    planned_budget_minor = fields.Integer()
    over_plan_minor = fields.Integer()
    status = fields.String(metadata={"enum": ["on_track", "reduced", "overdue", "no_plan"]})
    explanation = fields.List(fields.String())


class BudgetReportSchema(Schema):
    contract_id = fields.Integer()
    rule_set = fields.String()
    model = fields.String()
    date_from = fields.Date()
    date_to = fields.Date()
    budget_minor = fields.Integer()
    planned_budget_minor = fields.Integer()
    over_plan_minor = fields.Integer()
    packages = fields.List(fields.Nested(BudgetLineSchema))
