"""Signing in: tokens minted directly for most tests, and the login route for tests of the sessions themselves."""
from __future__ import annotations

from flask_jwt_extended import create_access_token

from server.auth.service import token_claims
from tests.factories import PASSWORD

LOGIN = "/api/v1/auth/login"


def login(client, email, password=PASSWORD):
    return client.post(LOGIN, json={"email": email, "password": password})


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def headers_for(user) -> dict:
    """A bearer header minted directly, so tests don't pay for a password hash per request; for an API client,
    the token its client credentials would get, with every scope it holds."""
    from server.feed import clients
    from server.feed.models import ApiClient

    if isinstance(user, ApiClient):
        token = create_access_token(identity=f"api_client:{user.id}",
                                    additional_claims=clients.token_claims(user, user.scopes))
    else:
        token = create_access_token(identity=str(user.id), additional_claims=token_claims(user))
    return bearer(token)
