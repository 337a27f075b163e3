from flask_smorest import Blueprint

from server.auth.models import READERS, STAFF, Role
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.errors import ErrorSchema
from server.extensions import db
from server.feedback import care_log, messages, service
from server.feedback.schemas import (
    CareLogQuerySchema,
    CareLogSchema,
    FamilyMessageInSchema,
    FamilyMessageQuerySchema,
    FamilyMessageSchema,
    FeedbackInSchema,
    FeedbackSchema,
)
from server.visits.tenancy import get_client, get_visit

bp = Blueprint("feedback", __name__, url_prefix="/api/v1",
               description="Families: rating delivered visits, the care log, messages to the provider's office")


@bp.post("/visits/<int:visit_id>/feedback")
@roles_required(Role.FAMILY)
@bp.arguments(FeedbackInSchema)
@bp.response(201, FeedbackSchema)
@bp.alt_response(409, schema=ErrorSchema, description="visit_cancelled, visit_missed, visit_not_started, "
                                                      "visit_not_delivered (not completed) or feedback_exists")
def give_feedback(body, visit_id):
    """Rate a relative's delivered (completed) visit 1-5 with an optional comment; once per visit."""
    ident = current_identity()
    feedback = service.give_feedback(ident, get_visit(ident, visit_id), body, utcnow())
    db.session.commit()
    return feedback


@bp.get("/visits/<int:visit_id>/feedback")
@roles_required(Role.FAMILY, *READERS)
@bp.response(200, FeedbackSchema(many=True))
def list_feedback(visit_id):
    ident = current_identity()
    return service.feedback_for(ident, get_visit(ident, visit_id))


@bp.get("/clients/<int:client_id>/care-log")
@roles_required(Role.FAMILY, *STAFF)
@bp.arguments(CareLogQuerySchema, location="query")
@bp.response(200, CareLogSchema)
@bp.alt_response(403, schema=ErrorSchema, description="care_log_not_shared: the client has not agreed to share it")
def client_care_log(query, client_id):
    """What carers did at a relative's visits: tasks done, outcome progress, the notes marked shareable."""
    ident = current_identity()
    return care_log.care_log(ident, get_client(ident, client_id), query["date_from"], query["date_to"])


@bp.post("/family-messages")
@roles_required(Role.FAMILY)
@bp.arguments(FamilyMessageInSchema)
@bp.response(201, FamilyMessageSchema)
def send_family_message(body):
    """Send the office of the provider caring for a relative a message; its coordinators are told."""
    ident = current_identity()
    message = messages.send(ident, get_client(ident, body["client_id"]), body["body"].strip(), utcnow())
    db.session.commit()
    return message


@bp.get("/family-messages")
@roles_required(Role.FAMILY, *STAFF)
@bp.arguments(FamilyMessageQuerySchema, location="query")
@bp.response(200, FamilyMessageSchema(many=True))
def list_family_messages(query):
    """Staff: families' messages to their provider's office, newest first; a family member: the ones they sent."""
    return messages.listed(current_identity(), query["unread"])


@bp.post("/family-messages/<int:message_id>/read")
@roles_required(*STAFF)
@bp.response(200, FamilyMessageSchema)
def read_family_message(message_id):
    """Mark a family's message read; the first reader and time are kept."""
    ident = current_identity()
    message = messages.mark_read(ident, messages.get_for_staff(ident, message_id), utcnow())
    db.session.commit()
    return message
