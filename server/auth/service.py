"""Login checks and token revocation, independent of HTTP."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from server.auth.models import RevokedToken, User
from server.auth.passwords import verify_password
from server.errors import ApiError
from server.extensions import db


def authenticate(email: str, password: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if not verify_password(user.password_hash if user else None, password) or not user.active:
        raise ApiError(401, "invalid_credentials", "Email or password is wrong")
    return user


def token_claims(user: User) -> dict:
    return {
        "role": user.role, "provider_id": user.provider_id,
        "council_id": user.council_id, "worker_id": user.worker_id,
    }


def revoke(decoded: dict, user_id: int) -> None:
    if db.session.scalar(select(RevokedToken.id).where(RevokedToken.jti == decoded["jti"])):
        return
    db.session.add(RevokedToken(
        jti=decoded["jti"], user_id=user_id,
        expires_at=datetime.fromtimestamp(decoded["exp"], timezone.utc),
    ))


def is_revoked(jti: str) -> bool:
    return db.session.scalar(select(RevokedToken.id).where(RevokedToken.jti == jti)) is not None
