import os

from flask import current_app, request
from flask_smorest import Blueprint

from device_sync.protocol import BatchRequestSchema, BatchResponseSchema
from server.auth.models import Role
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.errors import ApiError, ErrorSchema
from server.extensions import db
from server.i18n import _
from server.observability.metrics import count_sync
from server.schemas import AwareDateTime, Schema
from server.sync.service import store_batch


class EnvelopeSchema(BatchRequestSchema, Schema):
    """The protocol's envelope, its sent_at held to the years every other time in the API keeps to (and, as
    every schema here, refusing NUL in its texts)."""

    sent_at = AwareDateTime(required=True)


bp = Blueprint("sync", __name__, url_prefix="/api/v1/sync", description="Offline batches from phones")


@bp.before_request
def _limit_size():
    """Refuse an oversized batch before reading it: the device splits its queue and tries again."""
    settings = current_app.config["CAREMON"]
    if request.content_length is not None and request.content_length > settings["sync_max_bytes"]:
        raise ApiError(413, "batch_too_large", _("The batch is too large; send fewer items at a time"),
                       {"max_items": settings["sync_max_items"], "max_bytes": settings["sync_max_bytes"]})


@bp.post("/batches")
@roles_required(Role.WORKER)
@bp.arguments(EnvelopeSchema)
@bp.response(200, BatchResponseSchema)
@bp.alt_response(413, schema=ErrorSchema, description="batch_too_large: send fewer items at a time")
def upload(envelope):
    """Answers every item: accepted, duplicate (already stored) or rejected with its reason."""
    settings = current_app.config["CAREMON"]
    if len(envelope["items"]) > settings["sync_max_items"]:
        raise ApiError(413, "batch_too_large", _("The batch has too many items; send fewer at a time"),
                       {"max_items": settings["sync_max_items"], "max_bytes": settings["sync_max_bytes"]})
    result = store_batch(current_identity(), envelope, utcnow(), settings["clock_skew_threshold_s"])
    db.session.commit()
    count_sync(result["results"])
    if os.environ.get("CAREMON_SYNC_CRASH_AFTER_COMMIT") == "1":
        # Fault injection for the exactly-once tests: die between commit and response.
        os._exit(1)
    return result
