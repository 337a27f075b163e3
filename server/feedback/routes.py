from flask_smorest import Blueprint

from server.auth.tenancy import current_identity, get_visit, roles_required
from server.db_types import utcnow
from server.errors import ErrorSchema
from server.extensions import db
from server.feedback import service
from server.feedback.schemas import FeedbackInSchema, FeedbackSchema

bp = Blueprint("feedback", __name__, url_prefix="/api/v1", description="Families' say on how a visit went")


@bp.post("/visits/<int:visit_id>/feedback")
@roles_required("family")
@bp.arguments(FeedbackInSchema)
@bp.response(201, FeedbackSchema)
@bp.alt_response(409, schema=ErrorSchema, description="visit_cancelled, visit_not_started or feedback_exists")
def give_feedback(body, visit_id):
    """Rate a relative's visit 1-5 with an optional comment; once per visit."""
    ident = current_identity()
    feedback = service.give_feedback(ident, get_visit(ident, visit_id), body, utcnow())
    db.session.commit()
    return feedback


@bp.get("/visits/<int:visit_id>/feedback")
@roles_required("family", "coordinator", "provider_admin", "council_officer")
@bp.response(200, FeedbackSchema(many=True))
def list_feedback(visit_id):
    ident = current_identity()
    return service.feedback_for(ident, get_visit(ident, visit_id))
