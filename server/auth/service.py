"""Login checks, the tokens' claims, and what ends a user's tokens (logout, version bumps), independent of HTTP."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import bindparam, select

from server.audit.service import record
from server.auth.models import RevokedToken, User
from server.auth.passwords import hash_password, verify_password
from server.extensions import db


def authenticate(email: str, password: str, *, address: str, now: datetime) -> User | None:
    """The user, audited; or None, with the failure audited under the email tried (never the password)."""
    user = db.session.scalar(select(User).where(User.email == email))
    if verify_password(user.password_hash if user else None, password):
        if user.active:
            record("auth.login", "user", user.id, user_id=user.id, now=now, address=address)
            return user
        reason = "inactive"
    else:
        reason = "wrong_password" if user else "unknown_email"
    record("auth.login_failed", "user", user.id if user else None, user_id=None, now=now,
           email=email, address=address, reason=reason)
    return None


def token_claims(user: User) -> dict:
    return {
        "role": user.role, "provider_id": user.provider_id,
        "council_id": user.council_id, "worker_id": user.worker_id, "ver": user.token_version,
    }


# Built once: every request that carries a token runs it.
_TOKEN_STATE = select(User.active, User.token_version,
                      select(RevokedToken.id).where(RevokedToken.jti == bindparam("jti")).exists()
                      ).where(User.id == bindparam("user_id"))


def token_refused(payload: dict) -> bool:
    """Whether a verified token no longer counts: its user is gone or inactive, its version is
    behind the user's, or it was logged out. One indexed query per request, blocklist included,
    on the session's connection (plain rows, so no ORM work)."""
    row = db.session.connection().execute(_TOKEN_STATE, {"jti": payload["jti"], "user_id": int(payload["sub"])}).first()
    # Tokens issued before versions existed carry none and stand for version 0.
    return row is None or not row[0] or row[1] != payload.get("ver", 0) or row[2]


def end_sessions(user: User) -> None:
    """Every token issued to the user so far is refused from their next request on."""
    user.token_version = User.token_version + 1  # in SQL, so two changes at once both count


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    end_sessions(user)


def change_password(user: User, current: str, new: str, now: datetime) -> bool:
    """False, changing nothing but the audit log, when the current password is wrong."""
    if not verify_password(user.password_hash, current):
        record("auth.password_change_failed", "user", user.id, user_id=user.id, now=now)
        return False
    set_password(user, new)
    db.session.flush()
    record("auth.password_change", "user", user.id, user_id=user.id, now=now)
    return True


def revoke(decoded: dict, user_id: int) -> None:
    if db.session.scalar(select(RevokedToken.id).where(RevokedToken.jti == decoded["jti"])):
        return
    db.session.add(RevokedToken(
        jti=decoded["jti"], user_id=user_id,
        expires_at=datetime.fromtimestamp(decoded["exp"], timezone.utc),
    ))
