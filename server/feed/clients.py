"""API clients of a provider: created, rotated and revoked by its administrator, and checked at every request.

A secret is shown once, when made; afterwards only its hash exists. Every token an API client holds
carries its token version, so a rotation or a revocation refuses the old tokens from the next request on.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from flask import request
from sqlalchemy import select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.errors import ApiError, not_found
from server.extensions import db
from server.feed.models import ApiClient
from server.i18n import _

# Endpoints an API client's token opens (the feed blueprint); everything else answers 403.
FEED_BLUEPRINT = "feed"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def list_clients(ident: Identity) -> list[ApiClient]:
    return list(db.session.scalars(
        select(ApiClient).where(ApiClient.provider_id == ident.provider_id).order_by(ApiClient.id)))


def get_api_client(ident: Identity, pk: int) -> ApiClient:
    """Another provider's API client is not found."""
    found = db.session.scalar(select(ApiClient).where(ApiClient.id == pk, ApiClient.provider_id == ident.provider_id))
    if found is None:
        raise not_found(_("API client not found"))
    return found


def create(ident: Identity, data: dict, now: datetime) -> tuple[ApiClient, str]:
    """The new client and its secret, which the caller shows once."""
    secret = _new_secret()
    api_client = ApiClient(provider_id=ident.provider_id, name=data["name"], scopes=sorted(set(data["scopes"])),
                           client_id=f"cmc_{secrets.token_hex(12)}", secret_hash=_hash(secret),
                           created_by=ident.user_id, created_at=now)
    db.session.add(api_client)
    db.session.flush()
    record("api_client.create", "api_client", api_client.id, user_id=ident.user_id, now=now,
           name=api_client.name, scopes=api_client.scopes)
    return api_client, secret


def rotate(ident: Identity, api_client: ApiClient, now: datetime) -> str:
    """A new secret; the old secret and every token issued with it stop working."""
    if api_client.revoked_at is not None:
        raise ApiError(409, "revoked", _("A revoked API client cannot be rotated; create a new one"))
    secret = _new_secret()
    api_client.secret_hash, api_client.rotated_at = _hash(secret), now
    api_client.token_version = ApiClient.token_version + 1  # in SQL, so two rotations at once both count
    db.session.flush()
    record("api_client.rotate", "api_client", api_client.id, user_id=ident.user_id, now=now)
    return secret


def revoke(ident: Identity, api_client: ApiClient, now: datetime) -> None:
    if api_client.revoked_at is None:
        api_client.revoked_at = now
        record("api_client.revoke", "api_client", api_client.id, user_id=ident.user_id, now=now)


def authenticate(client_id: str, secret: str) -> ApiClient | None:
    """The live API client these credentials name, or None."""
    if len(client_id) > 40 or "\x00" in client_id:  # names no client; PostgreSQL would refuse the NUL outright
        return None
    found = db.session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    if found is None or found.revoked_at is not None:
        return None
    return found if hmac.compare_digest(found.secret_hash, _hash(secret)) else None


def token_claims(api_client: ApiClient, scopes: list[str]) -> dict:
    return {"role": api_client.role, "provider_id": api_client.provider_id, "api_client_id": api_client.id,
            "scopes": scopes, "ver": api_client.token_version}


def token_refused(payload: dict) -> bool:
    """Whether an API client's token no longer counts (revoked, or its secret rotated since): one query.

    A token that still counts opens the feed only; anywhere else it is refused with 403, here, before any
    endpoint reads a user id the token does not have."""
    row = db.session.execute(select(ApiClient.revoked_at, ApiClient.token_version)
                             .where(ApiClient.id == payload["api_client_id"])).first()
    if row is None or row[0] is not None or row[1] != payload["ver"]:
        return True
    if request.blueprint != FEED_BLUEPRINT:
        raise ApiError(403, "forbidden", _("An API client's token opens only the provider feed"))
    return False
