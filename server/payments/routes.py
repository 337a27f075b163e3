import hashlib
from functools import wraps

from flask import Response, request, stream_with_context
from flask_smorest import Blueprint

from server.audit.service import record, record_at_once
from server.auth.models import ADMINS, READERS, STAFF, Role
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.directory.tenancy import covered_contracts, get_contract
from server.errors import ApiError, ErrorSchema, invalid
from server.extensions import db
from server.i18n import _
from server.limits import allow_body
from server.observability.metrics import EXPORT_ROWS
from server.payments import authorisations, contingency, maintenance, payable, periods, reconciliation, repricing
from server.payments.export import FORMATS, Totals, checksummed, chunks_for, flagged, iter_export_rows, spooled
from server.payments.rules import RuleSetError, load_rule_sets, rule_set_named
from server.payments.schemas import (
    AuthorisationInSchema,
    AuthorisationListQuerySchema,
    AuthorisationSchema,
    ContingencyInSchema,
    ContingencySchema,
    ExportQuerySchema,
    ExportSchema,
    InvoiceListQuerySchema,
    InvoiceQuerySchema,
    InvoiceSchema,
    MaintenanceInSchema,
    MaintenanceSchema,
    NextPeriodSchema,
    PayableSchema,
    PeriodAdjustmentsSchema,
    PeriodCloseSchema,
    PeriodListQuerySchema,
    PeriodSchema,
    ReconciliationSchema,
    RepricingQuerySchema,
    RepricingSchema,
    RuleSetSummarySchema,
)
from server.visits.tenancy import get_client, get_visit

bp = Blueprint("payments", __name__, url_prefix="/api/v1",
               description="Payable time per visit, council exports, closed periods, invoice reconciliation")
SEND_BYTES = 1 << 16


def rule_sets_usable(fn):
    """A broken or missing rule-set file is the server's fault, reported before anything is streamed."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except RuleSetError as exc:
            raise ApiError(500, "payment_rules_invalid", str(exc)) from exc

    return wrapper


@bp.get("/visits/<int:visit_id>/payable")
@roles_required(*READERS)
@bp.response(200, PayableSchema)
@rule_sets_usable
def visit_payable(visit_id):
    """Payable minutes and pence of one visit, each carer's line with every rule applied, in order."""
    return payable.visit_payable(get_visit(current_identity(), visit_id))


@bp.get("/exports/visits")
@roles_required(*ADMINS)
@bp.arguments(ExportQuerySchema, location="query")
@bp.doc(responses={"200": {
    "description": "One row per carer per visit, non-contact, settlement and adjustment rows, then totals; "
                   "as CSV (a final 'total' row), XLSX (Rows and Totals sheets) or JSON; made in full before "
                   "the first byte is sent, so a failure is an error answer, never a download cut short",
    "content": {FORMATS["json"][0]: {"schema": ExportSchema},
                FORMATS["csv"][0]: {"schema": {"type": "string"}},
                FORMATS["xlsx"][0]: {"schema": {"type": "string", "format": "binary"}}},
}})
@rule_sets_usable
def export_visits(query):
    """Export a period's payable time for the caller's contracts (one provider or contract with the filters)."""
    ident = current_identity()
    contracts = list(covered_contracts(ident, query["contract_id"], query["provider_id"]))
    for contract in contracts:
        rule_set_named(contract.payment_rule_set)
    fmt, started = query["format"], utcnow()
    header = {"export": "visits", "date_from": query["date_from"].isoformat(), "date_to": query["date_to"].isoformat(),
              "provider_id": query["provider_id"], "contract_id": query["contract_id"], "flag": query["flag"],
              "contracts": [c.id for c in contracts]}
    # Recorded before the first byte, so an export whose process dies mid-stream is still on the record.
    opened_id = record_at_once("payments.export_started", "export", None, user_id=ident.user_id, now=started,
                               format=fmt, **{k: header[k] for k in ("date_from", "date_to", "provider_id",
                                                                      "contract_id", "flag", "contracts")})
    totals, digest = Totals(), hashlib.sha256()
    if query["flag"]:
        rows = flagged(iter_export_rows(contracts, query["date_from"], query["date_to"]), query["flag"])
    else:
        rows = iter_export_rows(contracts, query["date_from"], query["date_to"], encoding=fmt)

    def closed(complete: bool, size: int) -> None:
        """The closing audit row: how many bytes went, and whether the client had them all."""
        db.session.rollback()  # end the reading transaction: the audit row gets one of its own
        EXPORT_ROWS.labels("visits").inc(totals.rows)
        record(
            "payments.export",
            "export",
            None,
            user_id=ident.user_id,
            now=utcnow(),
            started_at=started.isoformat(),
            started_entry_id=opened_id,
            complete=complete,
            format=fmt,
            date_from=header["date_from"],
            date_to=header["date_to"],
            provider_id=query["provider_id"],
            contract_id=query["contract_id"],
            contracts=header["contracts"],
            rows=totals.rows,
            bytes=size,
            payable_minutes=totals.payable_minutes,
            amount_pence=totals.amount_pence,
            sha256=digest.hexdigest(),
        )
        db.session.commit()

    try:
        spool = spooled(checksummed(chunks_for(fmt, rows, totals, header), digest))
    except BaseException:
        rows.close()  # a query still writing rows (a COPY) holds the connection until its rows are closed
        closed(False, 0)
        raise

    def body():
        """The export's bytes; the closing audit row is written when they end, complete or cut short by the client."""
        size, complete = 0, False
        try:
            with spool:
                while chunk := spool.read(SEND_BYTES):
                    size += len(chunk)
                    yield chunk
            complete = True
        finally:
            closed(complete, size)

    mimetype, extension = FORMATS[fmt]
    filename = f"caremon-payable-{header['date_from']}-{header['date_to']}.{extension}"
    return Response(stream_with_context(body()), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/periods")
@roles_required(Role.COUNCIL_OFFICER)
@bp.arguments(PeriodCloseSchema)
@bp.response(201, PeriodSchema)
@bp.alt_response(409, schema=ErrorSchema, description="period_overlap: the contract is closed past date_from")
@rule_sets_usable
def close_period(body):
    """Close a contract's period: its export rows are frozen; later corrections become adjustments."""
    ident = current_identity()
    contract = get_contract(ident, body["contract_id"])
    period = periods.close_period(ident, contract, body["date_from"], body["date_to"], utcnow())
    db.session.commit()
    return period


@bp.get("/periods")
@roles_required(*READERS)
@bp.arguments(PeriodListQuerySchema, location="query")
@bp.response(200, PeriodSchema(many=True))
def list_periods(query):
    """Closed periods of the caller's contracts, by contract and date."""
    ident = current_identity()
    if query["contract_id"] is not None:
        get_contract(ident, query["contract_id"])
    return periods.list_periods(ident, query["contract_id"])


@bp.get("/periods/<int:period_id>/adjustments")
@roles_required(*READERS)
@bp.response(200, PeriodAdjustmentsSchema)
@rule_sets_usable
def period_adjustments(period_id):
    """A closed period's corrections: those it paid for earlier periods, those paid for it later, and those to it
    waiting for the next close."""
    return periods.period_adjustments(repricing.get_period(current_identity(), period_id))


@bp.get("/contracts/<int:contract_id>/next-period")
@roles_required(*READERS)
@bp.response(200, NextPeriodSchema)
def next_period(contract_id):
    """The period to close next for a contract: after the last closed one (or from its first visit) to the month's
    end or yesterday, with how many visits it holds."""
    return periods.next_period(get_contract(current_identity(), contract_id), utcnow())


@bp.post("/contingency")
@roles_required(Role.COUNCIL_OFFICER)
@bp.arguments(ContingencyInSchema)
@bp.response(201, ContingencySchema)
@rule_sets_usable
def grant_contingency(body):
    """Authorise extra minutes for a client's flex block (flex rule sets only)."""
    ident = current_identity()
    grant = contingency.grant_contingency(ident, get_client(ident, body["client_id"]), body, utcnow())
    db.session.commit()
    return grant


@bp.get("/payment-rule-sets")
@roles_required(*READERS)
@bp.response(200, RuleSetSummarySchema(many=True))
@rule_sets_usable
def list_rule_sets():
    """The payment rule sets this deployment has, by name: what a period can be repriced under."""
    return [{"name": r.name, "description": r.description, "basis": r.basis, "service_codes": sorted(r.service_codes)}
            for r in load_rule_sets().values()]


@bp.get("/periods/<int:period_id>/repricing")
@roles_required(Role.COUNCIL_OFFICER)
@bp.arguments(RepricingQuerySchema, location="query")
@bp.response(200, RepricingSchema)
@rule_sets_usable
def reprice_period(query, period_id):
    """Price a closed period under another rule set, without changing it: the difference per provider, client
    and flag, so a contract change can be costed before it is made."""
    period = repricing.get_period(current_identity(), period_id)
    try:
        rule_set_named(query["rule_set"])
    except RuleSetError as exc:
        raise invalid("rule_set", _("No such payment rule set")) from exc
    return repricing.reprice(period, query["rule_set"])


@bp.post("/authorisations")
@roles_required(*ADMINS)
@bp.arguments(AuthorisationInSchema)
@bp.response(201, AuthorisationSchema)
@rule_sets_usable
def create_authorisation(body):
    """Authorise units (or minutes) of a service code for a client over local dates; unit billing counts against it."""
    ident = current_identity()
    auth = authorisations.create_authorisation(ident, get_client(ident, body.pop("client_id")), body, utcnow())
    db.session.commit()
    return auth


@bp.get("/authorisations")
@roles_required(*READERS)
@bp.arguments(AuthorisationListQuerySchema, location="query")
@bp.response(200, AuthorisationSchema(many=True))
def list_authorisations(query):
    """Service authorisations of the caller's clients, by client and date."""
    ident = current_identity()
    if query["client_id"] is not None:
        get_client(ident, query["client_id"])
    return authorisations.list_authorisations(ident, query["client_id"])


@bp.post("/visits/<int:visit_id>/maintenance")
@roles_required(*STAFF)
@bp.arguments(MaintenanceInSchema)
@bp.response(201, MaintenanceSchema)
@bp.alt_response(422, schema=ErrorSchema, description="maintenance_window_closed or maintenance_not_allowed")
@rule_sets_usable
def maintain_visit(body, visit_id):
    """Set a carer's bill times for a visit, with a reason code, within the rule set's window; clock times stay."""
    ident = current_identity()
    entry = maintenance.maintain_visit(ident, get_visit(ident, visit_id), body, utcnow())
    db.session.commit()
    return entry


@bp.get("/visits/<int:visit_id>/maintenance")
@roles_required(*READERS)
@bp.response(200, MaintenanceSchema(many=True))
def visit_maintenance(visit_id):
    """Every bill-time change made to a visit, oldest first; the latest for each carer is billed."""
    return maintenance.maintenance_of(get_visit(current_identity(), visit_id))


# Windows browsers label a .csv file application/vnd.ms-excel.
CSV_TYPES = ("text/csv", "application/csv", "text/plain", "application/vnd.ms-excel")
INVOICE_BODY = {"content": {
    "text/csv": {"schema": {"type": "string"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                       "properties": {"file": {"type": "string", "format": "binary"}}}},
}, "description": "CSV with a header line: visit_id and/or client_reference, date (YYYY-MM-DD or DD/MM/YYYY), "
                  "minutes, amount (pounds, e.g. 12.50), optional description"}


@bp.post("/invoices")
@allow_body(reconciliation.MAX_BYTES + 64 * 1024)  # the file, and room for a multipart form around it
@roles_required(*ADMINS)
@bp.arguments(InvoiceQuerySchema, location="query")
@bp.doc(requestBody=INVOICE_BODY)
@bp.response(201, InvoiceSchema)
@bp.alt_response(413, schema=ErrorSchema, description="payload_too_large: the file is over the size limit")
@bp.alt_response(415, schema=ErrorSchema, description="unsupported_media_type: send text/csv or multipart/form-data")
def upload_invoice(query):
    """Upload the provider's invoice for a contract's period, as CSV (raw text/csv or a multipart file); the
    provider's administrator sends it, or the council officer it was sent to."""
    ident = current_identity()
    contract = get_contract(ident, query["contract_id"])
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise invalid("file", _("Attach the invoice CSV as the form field 'file'"))
        content, filename = upload.read(), upload.filename
    elif request.mimetype in CSV_TYPES:
        content, filename = request.get_data(), None
    else:
        raise ApiError(415, "unsupported_media_type", _("Send the invoice as text/csv or multipart/form-data"))
    try:
        invoice = reconciliation.store_invoice(ident, contract, query, content, filename, utcnow())
    except reconciliation.InvoiceError as exc:
        raise ApiError(422, "validation_error", _("Invalid input"), {"fields": {"file": exc.messages}}) from exc
    db.session.commit()
    return invoice


@bp.get("/invoices")
@roles_required(*ADMINS)
@bp.arguments(InvoiceListQuerySchema, location="query")
@bp.response(200, InvoiceSchema(many=True))
def list_invoices(query):
    """Invoices uploaded for the caller's contracts, newest first."""
    ident = current_identity()
    if query["contract_id"] is not None:
        get_contract(ident, query["contract_id"])
    return reconciliation.list_invoices(ident, query["contract_id"])


@bp.get("/invoices/<int:invoice_id>/reconciliation")
@roles_required(*ADMINS)
@bp.response(200, ReconciliationSchema)
@rule_sets_usable
def invoice_reconciliation(invoice_id):
    """The invoice against payable time: matched, mismatched, invoiced-not-delivered, delivered-not-invoiced."""
    return reconciliation.reconcile(reconciliation.get_invoice(current_identity(), invoice_id))
