import orjson
from flask import Response
from flask_smorest import Blueprint

from server.auth.models import READERS
from server.auth.tenancy import current_identity, roles_required
from server.reports.catalogue import REPORTS, Report
from server.reports.schemas import RESPONSES, ReportQuerySchema
from server.reports.scope import resolve_scope

bp = Blueprint("reports", __name__, url_prefix="/api/v1/reports",
               description="KPIs for councils and providers over a period of local dates, as JSON or CSV")

# A report's builder returns its answer as its schema (reports/schemas.py) documents it: the schema's keys, holding
# ints, floats, text, dates and UTC datetimes (flags' figures keyed by Flag). orjson encodes that as it stands, so a
# year's rows skip marshmallow's walk over every field, most of a large report's answer time; keys sorted, as Flask
# sorted them. tests/reports/test_report_answers.py holds each report to its schema's dump.
JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS


def _register(name: str, report: Report, schema) -> None:
    @bp.get(f"/{name}", endpoint=name.replace("-", "_"))
    @roles_required(*READERS)
    @bp.arguments(ReportQuerySchema, location="query")
    @bp.response(200, schema)
    @bp.doc(**_openapi(report, schema))
    def view(query):
        scope = resolve_scope(current_identity(), date_from=query["date_from"], date_to=query["date_to"],
                              contract_id=query["contract_id"], provider_id=query["provider_id"],
                              flag=query["flag"])
        result = report.build(scope)
        if query["format"] == "csv":
            filename = f"caremon-{name}-{query['date_from']}-{query['date_to']}.csv"
            return Response(report.csv(result), mimetype="text/csv",
                            headers={"Content-Disposition": f'attachment; filename="{filename}"'})
        return Response(orjson.dumps(result, option=JSON_OPTIONS), mimetype="application/json")


def _openapi(report: Report, schema) -> dict:
    """Summary and definitions from the report's module; the 200 answer in both formats."""
    return {"summary": report.summary, "description": report.about, "responses": {"200": {
        "description": "The report as JSON, or as a CSV download with format=csv",
        "content": {"application/json": {"schema": schema}, "text/csv": {"schema": {"type": "string"}}},
    }}}


for _name, _report in REPORTS.items():
    _register(_name, _report, RESPONSES[_name])
