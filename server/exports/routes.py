import hashlib

from flask import Response
from flask_smorest import Blueprint

from server.audit.service import record
from server.auth.models import ADMINS, READERS
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.exports import evv
from server.exports.fhir import FHIR_JSON, encounters_bundle
from server.exports.schemas import EncounterQuerySchema, EvvExportSchema, EvvQuerySchema
from server.extensions import db
from server.observability.metrics import EXPORT_ROWS
from server.payments.export import checksummed, encoded, spooled
from server.reports.scope import resolve_scope
from server.visits.tenancy import get_client

bp = Blueprint("exports", __name__, url_prefix="/api/v1",
               description="Records for other systems: EVV for US payers, FHIR encounters for shared care records")
SEND_BYTES = 1 << 16


@bp.get("/exports/evv")
@roles_required(*ADMINS)
@bp.arguments(EvvQuerySchema, location="query")
@bp.doc(responses={"200": {
    "description": "One row per carer who checked in to a visit planned in the period: the six data elements of "
                   "the 21st Century Cures Act (service type, individual receiving, individual providing, date, "
                   "location, start and end times) and how each was verified; as CSV or JSON, made in full "
                   "before the first byte is sent",
    "content": {evv.FORMATS["json"][0]: {"schema": EvvExportSchema},
                evv.FORMATS["csv"][0]: {"schema": {"type": "string"}}},
}})
def export_evv(query):
    """Electronic visit verification records of the caller's contracts (one provider or contract with the filters)."""
    ident = current_identity()
    scope = resolve_scope(ident, date_from=query["date_from"], date_to=query["date_to"],
                          contract_id=query["contract_id"], provider_id=query["provider_id"])
    fmt, header = query["format"], {
        "export": "evv", "date_from": query["date_from"].isoformat(), "date_to": query["date_to"].isoformat(),
        "contract_id": query["contract_id"], "provider_id": query["provider_id"], "contracts": scope.contract_ids}
    counter, digest = evv.Counter(), hashlib.sha256()
    rows = counter.counted(evv.evv_rows(scope.contracts, query["date_from"], query["date_to"]))
    spool = spooled(checksummed(encoded(evv.chunks_for(fmt, rows, header)), digest))
    EXPORT_ROWS.labels("evv").inc(counter.rows)
    record("exports.evv", "export", None, user_id=ident.user_id, now=utcnow(), format=fmt, rows=counter.rows,
           sha256=digest.hexdigest(), **{k: header[k] for k in ("date_from", "date_to", "contract_id", "contracts")})
    db.session.commit()

    def body():
        with spool:
            while chunk := spool.read(SEND_BYTES):
                yield chunk

    mimetype, extension = evv.FORMATS[fmt]
    filename = f"caremon-evv-{header['date_from']}-{header['date_to']}.{extension}"
    return Response(body(), mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/clients/<int:client_id>/fhir/encounters")
@roles_required(*READERS)
@bp.arguments(EncounterQuerySchema, location="query")
@bp.doc(responses={"200": {
    "description": "A FHIR R4 Bundle (type collection) of one Encounter per visit planned in the period: status, "
                   "class HH (home health), period, the client as subject (a Patient by reference), the carers as "
                   "participants (Practitioners), the home as location, the service code as serviceType",
    "content": {FHIR_JSON: {"schema": {"type": "object", "properties": {
        "resourceType": {"type": "string", "enum": ["Bundle"]}, "type": {"type": "string"},
        "entry": {"type": "array", "items": {"type": "object"}}}}}},
}})
def client_encounters(query, client_id):
    """A client's visits as FHIR R4 Encounters, for a shared care record."""
    ident = current_identity()
    client, now = get_client(ident, client_id), utcnow()
    bundle = encounters_bundle(client, query["date_from"], query["date_to"], now)
    record("exports.fhir_encounters", "client", client.id, user_id=ident.user_id, now=now,
           date_from=query["date_from"].isoformat(), date_to=query["date_to"].isoformat(),
           encounters=len(bundle.entry or ()))
    db.session.commit()
    return Response(bundle.model_dump_json(), mimetype=FHIR_JSON)
