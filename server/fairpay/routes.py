from flask import Response, current_app
from flask_smorest import Blueprint

from server.auth.models import ADMINS, Role
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.fairpay import record, report, sheet
from server.fairpay.schemas import (
    DayRecordQuerySchema,
    DayRecordSchema,
    FairPayQuerySchema,
    FairPayReportSchema,
)
from server.payments.routes import rule_sets_usable
from server.reports.scope import resolve_scope
from server.visits.queries import tenant_timezone

bp = Blueprint("fairpay", __name__, url_prefix="/api/v1",
               description="Fair pay: carers' working time, travel and waiting against their pay and the minimum wage")


def _download(body, mimetype: str, filename: str, disposition: str = "attachment") -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})


@bp.get("/reports/fair-pay")
@roles_required(*ADMINS)
@bp.arguments(FairPayQuerySchema, location="query")
@bp.response(200, FairPayReportSchema)
@bp.doc(summary="Fair pay by carer and day", description=report.__doc__, responses={"200": {
    "description": "The report as JSON, or as a CSV download with format=csv",
    "content": {"application/json": {"schema": FairPayReportSchema},
                "text/csv": {"schema": {"type": "string"}}}}})
@rule_sets_usable
def fair_pay_report(query):
    ident = current_identity()
    scope = resolve_scope(ident, date_from=query["date_from"], date_to=query["date_to"],
                          contract_id=query["contract_id"], provider_id=query["provider_id"])
    result = report.fair_pay(scope, current_app.config["CAREMON"], show_names=ident.acts_for_provider)
    if query["format"] == "csv":
        return _download(report.to_csv_text(result), "text/csv",
                         f"caremon-fair-pay-{query['date_from']}-{query['date_to']}.csv")
    return result


@bp.get("/workers/me/day-record")
@roles_required(Role.WORKER)
@bp.arguments(DayRecordQuerySchema, location="query")
@bp.response(200, DayRecordSchema)
@bp.doc(description=record.__doc__, responses={"200": {
    "description": "The day as JSON, or a download with format=csv or format=pdf",
    "content": {"application/json": {"schema": DayRecordSchema}, "text/csv": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
@rule_sets_usable
def my_day_record(query):
    """The signed-in care worker's own record of one local day: visits, times, places, travel and pay."""
    ident = current_identity()
    day = record.day_record(ident, query["date"], tenant_timezone(ident), current_app.config["CAREMON"])
    name = f"caremon-day-{day['date']}"
    if query["format"] == "csv":
        return _download(record.to_csv_text(day), "text/csv", f"{name}.csv")
    if query["format"] == "pdf":
        return _download(sheet.render_pdf(day, utcnow()), "application/pdf", f"{name}.pdf")
    return day
