"""Users, their role and tenant, revoked tokens, password reset tokens and failed logins."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import BigId, UTCDateTime, utcnow
from server.extensions import db


class Role(StrEnum):
    WORKER = "worker"
    COORDINATOR = "coordinator"
    PROVIDER_ADMIN = "provider_admin"
    FAMILY = "family"
    COUNCIL_OFFICER = "council_officer"


# The role groups routes admit; each is defined here once.
# A provider's office: it sees the provider's whole slice.
STAFF = frozenset({Role.COORDINATOR, Role.PROVIDER_ADMIN})
# Those who administer a tenant: a provider's admin, a council's officer.
ADMINS = frozenset({Role.PROVIDER_ADMIN, Role.COUNCIL_OFFICER})
# Those who read a tenant's reports and records: the provider's office and the council's officers.
READERS = STAFF | {Role.COUNCIL_OFFICER}


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
    # Travels in every token; raising it refuses all tokens issued before (role, password, active changes).
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The PWA's and the API messages' language for this person: "en" or "cy" (server/i18n.py LANGUAGES); null until
    # they choose, when their device's choice or their browser's language serves.
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RevokedToken(db.Model):
    """Logout writes the token's jti here; every request checks it."""

    __tablename__ = "revoked_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    jti: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PasswordResetToken(db.Model):
    """A one-time link an administrator sends; only its SHA-256 is kept, so the table alone opens no account."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(db.Model):
    """One failed login, counted per account and per address over the throttle's window by every web worker."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_at", "email", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The email tried, whether or not it has a login, so unknown emails are throttled alike.
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(45))
