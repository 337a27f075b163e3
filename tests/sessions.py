"""Signing in through the API and carrying the token, for tests of the sessions themselves."""
from __future__ import annotations

from tests.factories import PASSWORD

LOGIN = "/api/v1/auth/login"


def login(client, email, password=PASSWORD):
    return client.post(LOGIN, json={"email": email, "password": password})


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
