from flask import Response
from flask_smorest import Blueprint

from server.auth.models import STAFF
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.directory.tenancy import get_client
from server.errors import ErrorSchema
from server.extensions import db
from server.tags import issuing, labels
from server.tags.schemas import TagSchema

bp = Blueprint("tags", __name__, url_prefix="/api/v1", description="Tags in clients' homes: QR labels, NFC, codes")
LABELS = {"png": "image/png", "pdf": "application/pdf"}


@bp.get("/clients/<int:client_id>/tags")
@roles_required(*STAFF)
@bp.response(200, TagSchema(many=True))
def list_tags(client_id):
    """Every tag issued for the home, the newest first; revoked ones say when."""
    return issuing.tags_of(get_client(current_identity(), client_id))


@bp.post("/clients/<int:client_id>/tags")
@roles_required(*STAFF)
@bp.response(201, TagSchema)
def issue_tag(client_id):
    """Issue a new tag for the home; its current tag, if any, is revoked."""
    ident = current_identity()
    tag = issuing.issue(ident, get_client(ident, client_id), utcnow())
    db.session.commit()
    return tag


@bp.post("/clients/<int:client_id>/tags/<int:tag_id>/revoke")
@roles_required(*STAFF)
@bp.response(200, TagSchema)
@bp.alt_response(409, schema=ErrorSchema, description="already_revoked")
def revoke_tag(client_id, tag_id):
    """From now on the tag shows nobody's presence: its scans and its code are tag_invalid."""
    ident = current_identity()
    tag = issuing.revoke(ident, issuing.get_tag(get_client(ident, client_id), tag_id), utcnow())
    db.session.commit()
    return tag


def _label_doc(description: str, mimetype: str) -> dict:
    return {"200": {"description": description,
                    "content": {mimetype: {"schema": {"type": "string", "format": "binary"}}}}}


@bp.get("/clients/<int:client_id>/tags/<int:tag_id>/label.png")
@roles_required(*STAFF)
@bp.doc(responses=_label_doc("The tag's QR code, to print or show", "image/png"))
def tag_label_png(client_id, tag_id):
    return _label(client_id, tag_id, "png")


@bp.get("/clients/<int:client_id>/tags/<int:tag_id>/label.pdf")
@roles_required(*STAFF)
@bp.doc(responses=_label_doc("An A6 label: the QR code, the short code, and how to use them", "application/pdf"))
def tag_label_pdf(client_id, tag_id):
    return _label(client_id, tag_id, "pdf")


def _label(client_id: int, tag_id: int, fmt: str) -> Response:
    client = get_client(current_identity(), client_id)
    tag = issuing.get_tag(client, tag_id)
    payload = issuing.payload_of(tag)
    body = labels.qr_png(payload) if fmt == "png" else labels.label_pdf(payload, tag.code, client.address.split(",")[0])
    return Response(body, mimetype=LABELS[fmt],
                    headers={"Content-Disposition": f'inline; filename="caremon-tag-{client.id}-v{tag.version}.{fmt}"'})
