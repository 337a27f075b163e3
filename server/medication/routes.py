from flask import Response, jsonify
from flask_smorest import Blueprint

from server.auth.models import READERS, STAFF, Role
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.errors import ErrorSchema
from server.extensions import db
from server.medication import (
    chart,
    checkout,  # noqa: F401  (connects the check-out guard)
    prescribing,
    recording,
    views,
)
from server.medication.schemas import (
    DoseInSchema,
    DoseRecordSchema,
    DoseResultSchema,
    EffectInSchema,
    MarQuerySchema,
    MedicationChangeSchema,
    MedicationInSchema,
    MedicationSchema,
    VersionSchema,
    VisitDosesSchema,
)
from server.visits.tenancy import get_client, get_visit

bp = Blueprint("medication", __name__, url_prefix="/api/v1",
               description="Medication lists, the doses due at each visit and what was given (eMAR)")
DOSE_RESULT = DoseResultSchema()


@bp.get("/clients/<int:client_id>/medications")
@roles_required(*READERS)
@bp.response(200, MedicationSchema(many=True))
def list_medications(client_id):
    """The client's medicines, each with every version (who changed it, when, why)."""
    return prescribing.medications_for(get_client(current_identity(), client_id))


@bp.post("/clients/<int:client_id>/medications")
@roles_required(*STAFF)
@bp.arguments(MedicationInSchema)
@bp.response(201, MedicationSchema)
def add_medication(body, client_id):
    ident = current_identity()
    medication = prescribing.add_medication(ident, get_client(ident, client_id), body, utcnow())
    db.session.commit()
    return medication


@bp.get("/medications/<int:medication_id>")
@roles_required(*READERS)
@bp.response(200, MedicationSchema)
def get_medication(medication_id):
    return prescribing.get_medication(current_identity(), medication_id)


@bp.post("/medications/<int:medication_id>/versions")
@roles_required(*STAFF)
@bp.arguments(MedicationChangeSchema)
@bp.response(201, VersionSchema)
def change_medication(body, medication_id):
    """A change (dose, times, stop date...) as a new version from its starts_on, with the reason."""
    ident = current_identity()
    version = prescribing.change_medication(ident, prescribing.get_medication(ident, medication_id), body, utcnow())
    db.session.commit()
    return version


@bp.get("/visits/<int:visit_id>/doses")
@bp.response(200, VisitDosesSchema)
@bp.alt_response(403, schema=ErrorSchema, description="medication_not_shared: the client has not agreed to share")
def visit_doses(visit_id):
    """Doses due at the visit with their records, and the as-required medicines in force."""
    ident = current_identity()
    return views.visit_doses(ident, get_visit(ident, visit_id))


@bp.post("/visits/<int:visit_id>/doses")
@roles_required(Role.WORKER)
@bp.arguments(DoseInSchema)
@bp.response(201, DoseResultSchema)
@bp.alt_response(200, schema=DoseResultSchema, description="The same record was already stored")
@bp.alt_response(409, schema=ErrorSchema,
                 description="idempotency_conflict, dose_already_recorded (another key) or visit_cancelled")
def record_dose(body, visit_id):
    """Given, refused, not available, already taken or not given (with a reason); safe to retry with the same key."""
    ident = current_identity()
    record, created = recording.record_dose(worker_id=ident.worker_id, visit_id=visit_id, data=body, now=utcnow())
    answer = DOSE_RESULT.dump({"record": record, "duplicate": not created})
    db.session.commit()
    return jsonify(answer), 201 if created else 200


@bp.post("/visits/<int:visit_id>/doses/<int:record_id>/effect")
@roles_required(Role.WORKER, *STAFF)
@bp.arguments(EffectInSchema)
@bp.response(200, DoseRecordSchema)
@bp.alt_response(409, schema=ErrorSchema, description="not_as_required: only a given PRN dose has an effect")
def record_effect(body, visit_id, record_id):
    """The effect of an as-required dose, said later."""
    ident = current_identity()
    record = recording.record_effect(get_visit(ident, visit_id), record_id, body["effect"], utcnow())
    db.session.commit()
    return record


@bp.get("/clients/<int:client_id>/mar.pdf")
@roles_required(*READERS)
@bp.arguments(MarQuerySchema, location="query")
@bp.response(200, description="The month's MAR chart", content_type="application/pdf")
def mar_chart(query, client_id):
    """The client's monthly medication administration record (local month), as a PDF to print."""
    client = get_client(current_identity(), client_id)
    now = utcnow()
    pdf = chart.render_pdf(client, query["month"], chart.month_grid(client, query["month"], now), now)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="mar-{client.id}-{query["month"]}.pdf"'})
