"""Users, their role and tenant, and revoked tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import BigId, UTCDateTime, utcnow
from server.extensions import db

ROLES = ("worker", "coordinator", "provider_admin", "family", "council_officer")
PROVIDER_ROLES = ("coordinator", "provider_admin")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    # The tenant each role is scoped to; exactly one applies per role.
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RevokedToken(db.Model):
    """Logout writes the token's jti here; every request checks it."""

    __tablename__ = "revoked_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    jti: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
