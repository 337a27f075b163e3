from flask import current_app, request
from flask_smorest import Blueprint

from server.db_types import utcnow
from server.errors import ApiError, ErrorSchema
from server.extensions import db
from server.i18n import _
from server.notify.channels import sms_gateway
from server.notify.inbound import SignatureRefused
from server.sms import checkins
from server.sms.schemas import InboundResultSchema

bp = Blueprint("sms", __name__, url_prefix="/api/v1/sms", description="Texts from care workers through the SMS gateway")
# The most a gateway's webhook body may carry: one text and its envelope.
MAX_BODY = 16384


@bp.post("/inbound")
@bp.doc(security=[], requestBody={"required": True, "description": "The gateway's own webhook body, signed its way "
                                  "(WebhookSmsGateway: JSON {message_id, from, text}, X-Caremon-Signature)",
                                  "content": {"application/json": {"schema": {"type": "object"}}}})
@bp.response(200, InboundResultSchema)
@bp.alt_response(401, schema=ErrorSchema, description="bad_signature: not signed by the gateway; nothing is kept")
@bp.alt_response(403, schema=ErrorSchema, description="sms_inbound_disabled: the configured gateway takes no texts in")
def inbound():
    """A worker's text, IN or OUT and the home's code: records the check-in or check-out and answers by SMS.

    A redelivered text (the same gateway message id) is answered as before and stored once.
    """
    settings = current_app.config["CAREMON"]
    gateway = sms_gateway(settings)
    if not callable(getattr(gateway, "inbound", None)):
        raise ApiError(403, "sms_inbound_disabled", _("The configured SMS gateway takes no texts in"))
    if (request.content_length or 0) > MAX_BODY:
        raise ApiError(413, "payload_too_large", _("The body is too large for a text"))
    try:
        text = gateway.inbound(request.headers, request.get_data(cache=False)[:MAX_BODY])
    except SignatureRefused as exc:
        raise ApiError(401, "bad_signature", _("Refused: %(reason)s", reason=exc)) from exc
    row, created = checkins.receive(text, utcnow(), settings["sms_default_region"])
    answer = InboundResultSchema().dump(row) | {"duplicate": not created}
    db.session.commit()
    return answer
