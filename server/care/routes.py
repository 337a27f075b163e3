from flask import current_app
from flask_smorest import Blueprint

from server.auth.models import Role
from server.auth.tenancy import current_identity, roles_required
from server.care import patterns, service, visit_outcomes  # noqa: F401  (visit_outcomes receives visits' signals)
from server.care.models import CarePackage, Outcome, VisitPattern
from server.care.schemas import (
    CarePackageSchema,
    OutcomeSchema,
    PatternChangeSchema,
    PatternPreviewInSchema,
    PatternPreviewSchema,
    VisitPatternSchema,
)
from server.db_types import utcnow
from server.directory.service import update
from server.errors import invalid
from server.extensions import db
from server.i18n import _
from server.visits.tenancy import get_client

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
    @roles_required(Role.PROVIDER_ADMIN)
    @bp.arguments(schema)
    @bp.response(201, schema)
    def create_record(body, client_id):
        ident = current_identity()
        client, now = get_client(ident, client_id), utcnow()
        obj = service.add(ident, client, model, body, now)
        if model is VisitPattern:
            patterns.after_create(client, now, _days_ahead())
        db.session.commit()
        return obj


def _days_ahead() -> int:
    return current_app.config["CAREMON"]["generate_days_ahead"]


@bp.post("/clients/<int:client_id>/visit-patterns/preview")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(PatternPreviewInSchema)
@bp.response(200, PatternPreviewSchema)
def preview_visit_pattern(body, client_id):
    """The visits a pattern would make over the next days, by the generation code itself; nothing is saved.
    With pattern_id, the weekly totals leave out the pattern being replaced."""
    ident = current_identity()
    client = get_client(ident, client_id)
    replacing = service.get_pattern(ident, body["pattern_id"]) if body["pattern_id"] else None
    if replacing is not None and replacing.client_id != client.id:
        raise invalid("pattern_id", _("Not a visit pattern of this client"))
    return patterns.preview(client, body, utcnow(), body["days"], replacing)


for _path, (_model, _schema) in RECORDS.items():
    _register(_path, _model, _schema)


@bp.patch("/care-packages/<int:package_id>")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(CarePackageSchema(partial=True))
@bp.response(200, CarePackageSchema)
def update_care_package(body, package_id):
    """Change the commissioned minutes, flex weeks, service code or dates; end a package by setting ends_on."""
    ident = current_identity()
    package = patterns.update_package(ident, service.get_package(ident, package_id), body, utcnow())
    db.session.commit()
    return package


@bp.patch("/visit-patterns/<int:pattern_id>")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(VisitPatternSchema(partial=True))
@bp.response(200, PatternChangeSchema)
def update_visit_pattern(body, pattern_id):
    """Change or end a pattern (ends_on, or active false). Future visits it made that have not started are
    brought in line: cancelled where it no longer calls for them, given the new length, carers and tasks
    where it does; visits under way or done are left as they were."""
    ident = current_identity()
    pattern = service.get_pattern(ident, pattern_id)
    client = get_client(ident, pattern.client_id)
    result = patterns.update_pattern(ident, pattern, client, body, utcnow(), _days_ahead())
    db.session.commit()
    return {"pattern": result["pattern"], "visits": result}


@bp.patch("/outcomes/<int:outcome_id>")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(OutcomeSchema(partial=True))
@bp.response(200, OutcomeSchema)
def update_outcome(body, outcome_id):
    """Reword or retire an outcome; progress already recorded against it stays."""
    ident = current_identity()
    outcome = update(ident, service.get_outcome(ident, outcome_id), body, utcnow())
    db.session.commit()
    return outcome
