from datetime import timedelta

from flask import Response
from flask_smorest import Blueprint

from server.auth.models import ADMINS, READERS, STAFF
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.directory.tenancy import get_contract
from server.extensions import db
from server.outcomes import lines, reviews, statement_pdf, statements
from server.outcomes.schemas import (
    BudgetQuerySchema,
    BudgetReportSchema,
    OutcomePaymentQuerySchema,
    OutcomePaymentsSchema,
    ReviewInSchema,
    ReviewSchema,
    ReviewUpdateSchema,
    StatementQuerySchema,
    StatementSchema,
)
from server.payments.repricing import get_period
from server.payments.routes import rule_sets_usable
from server.payments.rules import rule_set_named
from server.timeutil import to_local
from server.visits.tenancy import get_client

bp = Blueprint("outcomes", __name__, url_prefix="/api/v1",
               description="Commissioning for outcomes: reviews, outcome statements, payment by outcomes, "
                           "weekly budgets")
STATEMENT_WEEKS = 12


@bp.get("/clients/<int:client_id>/outcome-reviews")
@roles_required(*READERS)
@bp.response(200, ReviewSchema(many=True))
def list_reviews(client_id):
    """The client's outcome reviews by due date, each done on time, late, or not yet."""
    return reviews.of_client(get_client(current_identity(), client_id))


@bp.post("/clients/<int:client_id>/outcome-reviews")
@roles_required(*STAFF)
@bp.arguments(ReviewInSchema)
@bp.response(201, ReviewSchema)
def plan_review(body, client_id):
    """Plan a review of the client's outcomes (with done_on when recording one already held)."""
    ident = current_identity()
    review = reviews.plan_review(ident, get_client(ident, client_id), body, utcnow())
    db.session.commit()
    return review


@bp.patch("/outcome-reviews/<int:review_id>")
@roles_required(*STAFF)
@bp.arguments(ReviewUpdateSchema)
@bp.response(200, ReviewSchema)
def update_review(body, review_id):
    """Record a review as done on a local date, or correct its date or notes."""
    ident = current_identity()
    review = reviews.update_review(ident, reviews.get_review(ident, review_id), body, utcnow())
    db.session.commit()
    return review


def _statement(client_id: int, query: dict) -> dict:
    client = get_client(current_identity(), client_id)
    now = utcnow()
    last = query["date_to"] or to_local(now, client.contract.council.timezone).date()
    first = query["date_from"] or last - timedelta(weeks=STATEMENT_WEEKS) + timedelta(days=1)
    return statements.statement(client, min(first, last), last, now)


@bp.get("/clients/<int:client_id>/outcome-statement")
@roles_required(*READERS)
@bp.arguments(StatementQuerySchema, location="query")
@bp.response(200, StatementSchema)
def outcome_statement(query, client_id):
    """The client's outcome statement for their review over local dates (the twelve weeks to today by default)."""
    return _statement(client_id, query)


@bp.get("/clients/<int:client_id>/outcome-statement.pdf")
@roles_required(*READERS)
@bp.arguments(StatementQuerySchema, location="query")
@bp.response(200, description="The outcome statement to print", content_type="application/pdf")
def outcome_statement_pdf(query, client_id):
    """The client's outcome statement as a PDF."""
    found = _statement(client_id, query)
    return Response(statement_pdf.render_pdf(found), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="outcomes-{client_id}-{found["date_to"].isoformat()}.pdf"'})


@bp.get("/periods/<int:period_id>/outcome-payments")
@roles_required(*ADMINS)
@bp.arguments(OutcomePaymentQuerySchema, location="query")
@bp.response(200, OutcomePaymentsSchema)
@bp.doc(responses={"200": {
    "description": "The outcome payment as JSON, or with format=csv a row per measure and a total row",
    "content": {"application/json": {"schema": OutcomePaymentsSchema}, "text/csv": {"schema": {"type": "string"}}}}})
@rule_sets_usable
def outcome_payments(query, period_id):
    """A closed period's outcome payment: the top-slice retained, each measure's result, what is released."""
    period = get_period(current_identity(), period_id)
    answer = lines.period_line(period)
    if query["format"] == "csv":
        return Response(lines.as_csv(answer), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="caremon-outcome-payments-{period.id}.csv"'})
    return answer


@bp.get("/contracts/<int:contract_id>/weekly-budgets")
@roles_required(*ADMINS)
@bp.arguments(BudgetQuerySchema, location="query")
@bp.response(200, BudgetReportSchema)
@rule_sets_usable
def weekly_budgets(query, contract_id):
    """Each package's indicative weekly budget over local dates, against its planned reablement reduction."""
    contract = get_contract(current_identity(), contract_id)
    rules = rule_set_named(contract.payment_rule_set)
    today = to_local(utcnow(), contract.council.timezone).date()
    packages = lines.budgets(contract, query["date_from"], query["date_to"], today)
    return {"contract_id": contract.id, "rule_set": rules.name, "model": rules.model,
            "date_from": query["date_from"], "date_to": query["date_to"],
            "budget_minor": sum(p["budget_minor"] for p in packages),
            "planned_budget_minor": sum(p["planned_budget_minor"] for p in packages),
            "over_plan_minor": sum(p["over_plan_minor"] for p in packages), "packages": packages}
