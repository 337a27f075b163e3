"""Who is asking: the caller's identity from their token, and the roles an endpoint admits.

The slice of data each caller may see is decided where its records live: directory/tenancy.py for
contracts, clients and managed logins, visits/tenancy.py for visits and a worker's clients.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import request
from flask_jwt_extended import get_jwt, get_jwt_identity, verify_jwt_in_request

from server.auth.models import STAFF
from server.errors import ApiError
from server.i18n import _


@dataclass(frozen=True)
class Identity:
    user_id: int | None
    role: str
    provider_id: int | None = None
    council_id: int | None = None
    worker_id: int | None = None
    # A provider's other system, signed in with its client credentials (user_id None), and what it may do.
    api_client_id: int | None = None
    scopes: tuple[str, ...] = ()

    @property
    def is_provider_staff(self) -> bool:
        return self.role in STAFF

    @property
    def acts_for_provider(self) -> bool:
        """Provider staff and the provider's API clients see the provider's whole slice."""
        return self.is_provider_staff or self.api_client_id is not None


def current_identity() -> Identity:
    """The caller, from the verified token's claims (tenant ids travel in the token).

    Kept on the request object, so the token is checked against the blocklist once per request.
    """
    cached = getattr(request, "_caremon_identity", None)
    if cached is not None:
        return cached
    verify_jwt_in_request()
    claims = get_jwt()
    if "api_client_id" in claims:
        ident = Identity(user_id=None, role=claims["role"], provider_id=claims["provider_id"],
                         api_client_id=claims["api_client_id"], scopes=tuple(claims["scopes"]))
    else:
        ident = Identity(
            user_id=int(get_jwt_identity()), role=claims["role"],
            provider_id=claims.get("provider_id"), council_id=claims.get("council_id"),
            worker_id=claims.get("worker_id"),
        )
    request._caremon_identity = ident
    return ident


def roles_required(*roles: str):
    """Signed-in users of other roles get 403: the endpoint itself is not theirs."""

    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            if current_identity().role not in roles:
                raise ApiError(403, "forbidden", _("Your role cannot use this endpoint"))
            return fn(*args, **kwargs)

        return wrapper

    return decorator
