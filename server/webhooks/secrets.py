"""Webhook signing secrets: made in the Standard Webhooks form, and kept encrypted at rest.

The server must read a secret back to sign with it, so a hash will not do. Secrets are encrypted with
Fernet (AES-128-CBC with HMAC-SHA256) under a key derived by HKDF from the app's secret key: the table
alone reveals no secret. Changing the secret key makes the stored secrets unreadable; rotate every
webhook's secret after doing so.
"""
from __future__ import annotations

import base64
import secrets

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

SECRET_BYTES = 32
PREFIX = "whsec_"


def new_secret() -> str:
    """whsec_ and base64 of 256 random bits, as standardwebhooks.Webhook reads it."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"caremon webhook secrets").derive(
        current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    return _fernet().decrypt(sealed.encode()).decode()
