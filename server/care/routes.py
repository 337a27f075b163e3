from flask_smorest import Blueprint

from server.auth.tenancy import current_identity, get_client, roles_required
from server.care import service
from server.care.models import CarePackage, Outcome, VisitPattern
from server.care.schemas import CarePackageSchema, OutcomeSchema, VisitPatternSchema
from server.db_types import utcnow
from server.directory.service import update
from server.extensions import db

bp = Blueprint("care", __name__, url_prefix="/api/v1", description="Outcomes, care packages, visit patterns")

RECORDS = {
    "outcomes": (Outcome, OutcomeSchema),
    "care-packages": (CarePackage, CarePackageSchema),
    "visit-patterns": (VisitPattern, VisitPatternSchema),
}


def _register(path: str, model, schema) -> None:
    """GET and POST /clients/<id>/<path> for one kind of care record."""

    @bp.get(f"/clients/<int:client_id>/{path}", endpoint=f"list_{model.__tablename__}")
    @bp.response(200, schema(many=True))
    def list_records(client_id):
        return service.of_client(model, get_client(current_identity(), client_id))

    @bp.post(f"/clients/<int:client_id>/{path}", endpoint=f"create_{model.__tablename__}")
    @roles_required("provider_admin")
    @bp.arguments(schema)
    @bp.response(201, schema)
    def create_record(body, client_id):
        ident = current_identity()
        obj = service.add(ident, get_client(ident, client_id), model, body, utcnow())
        db.session.commit()
        return obj


for _path, (_model, _schema) in RECORDS.items():
    _register(_path, _model, _schema)


@bp.patch("/outcomes/<int:outcome_id>")
@roles_required("provider_admin")
@bp.arguments(OutcomeSchema(partial=True))
@bp.response(200, OutcomeSchema)
def update_outcome(body, outcome_id):
    """Reword or retire an outcome; progress already recorded against it stays."""
    ident = current_identity()
    outcome = update(ident, service.get_outcome(ident, outcome_id), body, utcnow())
    db.session.commit()
    return outcome
