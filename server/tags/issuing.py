"""Issuing and revoking a client's tag, and judging what a carer presented at the door against it."""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.directory.models import Client
from server.errors import ApiError, not_found
from server.extensions import db
from server.i18n import _
from server.tags import signing
from server.tags.models import ClientTag
from server.unique import insert_once

CODE_DIGITS = 6
# Codes drawn before giving up: the provider would need hundreds of thousands of tags to get this far.
CODE_ATTEMPTS = 20


def secret() -> str:
    return current_app.config["SECRET_KEY"]


def payload_of(tag: ClientTag) -> str:
    return signing.sign(secret(), tag.client_id, tag.id, tag.version)


def current_tag(client_id: int) -> ClientTag | None:
    return db.session.scalar(select(ClientTag).where(ClientTag.client_id == client_id, ClientTag.revoked_at.is_(None))
                             .order_by(ClientTag.version.desc()).limit(1))


def tags_of(client: Client) -> list[ClientTag]:
    return list(db.session.scalars(select(ClientTag).where(ClientTag.client_id == client.id)
                                   .order_by(ClientTag.version.desc())))


def get_tag(client: Client, tag_id: int) -> ClientTag:
    tag = db.session.get(ClientTag, tag_id)
    if tag is None or tag.client_id != client.id:
        raise not_found(_("Tag not found"))
    return tag


def issue(ident: Identity, client: Client, now: datetime) -> ClientTag:
    """A new version with a fresh code; the client's current tag, if any, is revoked with it."""
    old = current_tag(client.id)
    if old is not None:
        _revoke(ident, old, now)
    version = (db.session.scalar(select(func.max(ClientTag.version)).where(ClientTag.client_id == client.id)) or 0) + 1
    for _attempt in range(CODE_ATTEMPTS):
        tag = ClientTag(client_id=client.id, provider_id=client.contract.provider_id, version=version,
                        code=f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}", issued_at=now,
                        issued_by=ident.user_id)
        if insert_once(tag):  # the code is taken by another of the provider's homes: draw again
            record("tags.issue", "client_tag", tag.id, user_id=ident.user_id, now=now, client_id=client.id,
                   version=version)
            return tag
    raise ApiError(503, "no_code_free", _("No free tag code was found; try again"))


def revoke(ident: Identity, tag: ClientTag, now: datetime) -> ClientTag:
    if tag.revoked_at is not None:
        raise ApiError(409, "already_revoked", _("This tag is already revoked"))
    return _revoke(ident, tag, now)


def _revoke(ident: Identity, tag: ClientTag, now: datetime) -> ClientTag:
    tag.revoked_at, tag.revoked_by = now, ident.user_id
    record("tags.revoke", "client_tag", tag.id, user_id=ident.user_id, now=now, client_id=tag.client_id)
    db.session.flush()
    return tag


def tag_verdict(client_id: int, *, payload: str | None = None, code: str | None = None,
                at: datetime) -> tuple[str, str | None]:
    """("verified", None) when the scanned payload or typed code is this home's tag, live at `at`;
    ("invalid", why) for another home's tag, a revoked one or a forged payload."""
    if payload is not None:
        read = signing.read(secret(), client_id, payload)
        if read is None:
            return "invalid", "not a tag of this home, or altered"
        tag = db.session.get(ClientTag, read[0])
        if tag is None or tag.client_id != client_id or tag.version != read[1]:
            return "invalid", "not a tag of this home"
    else:
        tag = _tag_with_code(client_id, code or "")
        if tag is None:
            return "invalid", "not the code of this home"
    if tag.revoked_at is not None and tag.revoked_at <= at:
        return "invalid", f"tag version {tag.version} was revoked"
    return "verified", None


def _tag_with_code(client_id: int, code: str) -> ClientTag | None:
    """The client's tag whose code matches, compared in constant time; revoked ones too, so they say so."""
    for tag in db.session.scalars(select(ClientTag).where(ClientTag.client_id == client_id)):
        if hmac.compare_digest(tag.code.encode(), code.encode()):
            return tag
    return None
