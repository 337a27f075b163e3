"""The client's or a family member's confirmation of a visit, given on the carer's phone at check-out.

Where the contract asks for it, each completed visit needs one confirmation that verified: the PIN
the family set (kept only as an Argon2 hash), or a signature drawn on the screen (kept as the PNG
drawn). A visit ended without one is flagged client_unconfirmed. A PIN typed offline is judged when
the check-out arrives; a wrong one is stored as not verified, never refused, so the check-out lands.
"""
from __future__ import annotations

import base64
import binascii
import io
from datetime import datetime

from PIL import Image, UnidentifiedImageError
from sqlalchemy import exists, select

from server.audit.service import record
from server.auth.passwords import hash_password, verify_password
from server.auth.tenancy import Identity
from server.directory.models import Client
from server.errors import invalid
from server.extensions import db
from server.i18n import _
from server.visits.models import Visit, VisitConfirmation, VisitEvent

PNG_DATA_URL = "data:image/png;base64,"
# A signature pad's drawing, however large the screen.
MAX_SIGNATURE_BYTES = 200_000


def set_pin(ident: Identity, client: Client, pin: str, now: datetime) -> None:
    client.confirmation_pin_hash = hash_password(pin)
    record("clients.confirmation_pin", "client", client.id, user_id=ident.user_id, now=now)


def signature_png(data_url: str) -> bytes:
    """The drawn signature's PNG bytes, or 422: a data URL of anything else is not a signature."""
    if not data_url.startswith(PNG_DATA_URL):
        raise invalid("confirmation", _("A signature is a PNG data URL"))
    try:
        png = base64.b64decode(data_url[len(PNG_DATA_URL):], validate=True)
        if len(png) > MAX_SIGNATURE_BYTES:
            raise invalid("confirmation", _("The signature image is too large"))
        Image.open(io.BytesIO(png)).verify()
    except (binascii.Error, UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise invalid("confirmation", _("The signature is not a readable PNG")) from exc
    return png


def keep(visit: Visit, event: VisitEvent, given: dict) -> VisitConfirmation:
    if given.get("pin") is not None:
        row = VisitConfirmation(event=event, visit_id=visit.id, kind="pin",
                                verified=verify_password(visit.client.confirmation_pin_hash, given["pin"]))
    else:
        row = VisitConfirmation(event=event, visit_id=visit.id, kind="signature", verified=True,
                                signature_png=signature_png(given["signature"]), signer_name=given.get("signer_name"))
    db.session.add(row)
    db.session.flush()
    return row


def confirmed(visit_id: int) -> bool:
    return db.session.scalar(select(exists().where(VisitConfirmation.visit_id == visit_id,
                                                   VisitConfirmation.verified.is_(True))))


def hashed_content(given: dict | None) -> dict | None:
    """What of a confirmation goes into the event's content hash: never the PIN, which a hash of so few
    digits would give away."""
    if given is None:
        return None
    if given.get("pin") is not None:
        return {"by": "pin"}
    return {"by": "signature", "signature": given["signature"], "signer_name": given.get("signer_name")}
