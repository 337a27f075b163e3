from flask_smorest import Blueprint
from sqlalchemy import select

from server.auth.models import READERS, STAFF, Role
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.directory.models import Client
from server.errors import ApiError, ErrorSchema, not_found
from server.extensions import db
from server.i18n import _
from server.monitoring import doses, visit_alerts  # noqa: F401  (connect the receivers of lower domains' signals)
from server.monitoring.models import Alert
from server.monitoring.schemas import AlertQuerySchema, AlertSchema
from server.visits import reasons
from server.visits.schemas import ReasonCodeSchema, ReasonCodeUpdateSchema

bp = Blueprint(
    "monitoring",
    __name__,
    url_prefix="/api/v1",
    description="Late, missed and predicted-delay alerts; the councils' reason codes for missed visits and exceptions",
)


@bp.get("/alerts")
@roles_required(*STAFF)
@bp.arguments(AlertQuerySchema, location="query")
@bp.response(200, AlertSchema(many=True))
def list_alerts(query):
    """The provider's alerts, newest first: open (unacknowledged and unresolved), acknowledged, or all."""
    stmt = (select(Alert, Client.name).join(Client, Client.id == Alert.client_id)
            .where(Alert.provider_id == current_identity().provider_id))
    if query["status"] == "open":
        stmt = stmt.where(Alert.acknowledged_at.is_(None), Alert.resolved_at.is_(None))
    elif query["status"] == "acknowledged":
        stmt = stmt.where(Alert.acknowledged_at.is_not(None))
    alerts = []
    for alert, client_name in db.session.execute(stmt.order_by(Alert.raised_at.desc(), Alert.id.desc())
                                                 .limit(query["limit"])):
        alert.client_name = client_name
        alerts.append(alert)
    return alerts


@bp.post("/alerts/<int:alert_id>/acknowledge")
@roles_required(*STAFF)
@bp.response(200, AlertSchema)
@bp.alt_response(409, schema=ErrorSchema, description="already_acknowledged")
def acknowledge(alert_id):
    """A coordinator has it in hand: stops escalation to the on-call contact."""
    ident = current_identity()
    alert = db.session.get(Alert, alert_id)
    if alert is None or alert.provider_id != ident.provider_id:
        raise not_found(_("Alert not found"))
    if alert.acknowledged_at is not None:
        raise ApiError(409, "already_acknowledged", _("This alert is already acknowledged"))
    alert.acknowledged_at, alert.acknowledged_by = utcnow(), ident.user_id
    db.session.commit()
    alert.client_name = db.session.get(Client, alert.client_id).name
    return alert


@bp.get("/councils/<int:council_id>/reason-codes")
@roles_required(*READERS)
@bp.response(200, ReasonCodeSchema(many=True))
def list_reason_codes(council_id):
    """The council's reason codes for missed visits and exceptions, retired ones included (active false)."""
    codes = reasons.codes_for(reasons.visible_council(current_identity(), council_id))
    db.session.commit()  # the defaults, stored on a council's first read
    return codes


@bp.post("/councils/<int:council_id>/reason-codes")
@roles_required(Role.COUNCIL_OFFICER)
@bp.arguments(ReasonCodeSchema)
@bp.response(201, ReasonCodeSchema)
def add_reason_code(body, council_id):
    ident = current_identity()
    code = reasons.add_code(ident, reasons.visible_council(ident, council_id), body, utcnow())
    db.session.commit()
    return code


@bp.patch("/councils/<int:council_id>/reason-codes/<int:code_id>")
@roles_required(Role.COUNCIL_OFFICER)
@bp.arguments(ReasonCodeUpdateSchema)
@bp.response(200, ReasonCodeSchema)
def update_reason_code(body, council_id, code_id):
    """Relabel a code, set its external code, or retire it (active false) so it can no longer be chosen."""
    ident = current_identity()
    code = reasons.update_code(ident, reasons.visible_council(ident, council_id), code_id, body, utcnow())
    db.session.commit()
    return code
