"""Password resets an administrator starts: a one-time, expiring link emailed through notify's outbox.

The link carries 32 random bytes; only their SHA-256 is stored (that much randomness needs no
slow hash). Redeeming marks the token used in the same UPDATE that finds it unused and
unexpired, so two tabs or two web workers cannot both redeem one link; it also voids the
user's other open links and ends their sessions.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update

from server.audit.service import record
from server.auth.models import PasswordResetToken, User
from server.auth.service import set_password
from server.auth.signals import link_issued
from server.auth.tenancy import Identity
from server.errors import ApiError
from server.extensions import db
from server.i18n import _


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(ident: Identity, user: User, *, now: datetime, valid_for: timedelta, public_url: str,
          invitation: bool = False) -> PasswordResetToken:
    """A new link for the user, queued as an email in this transaction.

    An invitation is the same one-time link, worded for a new login choosing its first password."""
    raw = secrets.token_urlsafe(32)
    token = PasswordResetToken(user_id=user.id, token_hash=_digest(raw), created_by=ident.user_id,
                               created_at=now, expires_at=now + valid_for)
    db.session.add(token)
    db.session.flush()
    hours = round(valid_for.total_seconds() / 3600)
    link = f"{public_url.rstrip('/')}/#/reset?token={raw}"
    kind = "invitation" if invitation else "password_reset"
    link_issued.send(user, kind=kind, dedupe_key=f"{kind}:{token.id}", now=now,
                     **(_invitation(user, link, hours) if invitation else _reset(user, link, hours)))
    record(f"auth.{kind}_issue", "user", user.id, user_id=ident.user_id, now=now,
           expires_at=token.expires_at.isoformat())
    return token


def send_link(
    ident: Identity, user: User, now: datetime, settings: dict, invitation: bool = False
) -> PasswordResetToken:
    """A link valid for the configured hours (invitation_hours or password_reset_hours), to the public URL."""
    hours = settings["invitation_hours" if invitation else "password_reset_hours"]
    return issue(ident, user, now=now, valid_for=timedelta(hours=hours), public_url=settings["public_url"],
                 invitation=invitation)


def _reset(user: User, link: str, hours: int) -> dict:
    return {"subject": "Choose a new Caremon password",
            "body": f"Hello {user.name},\n\nYour administrator has asked Caremon to let you choose a new password. "
                    f"Open this link within {hours} hours; it works once:\n\n{link}\n\n"
                    "If you did not expect this, tell your manager."}


def _invitation(user: User, link: str, hours: int) -> dict:
    return {"subject": _("You are invited to Caremon"),
            "body": _("Hello %(name)s,\n\nYou have been given a Caremon login (%(email)s). Open this link within "
                      "%(hours)s hours to choose your password; it works once:\n\n%(link)s\n\n"
                      "If you did not expect this, tell your manager.",
                      name=user.name, email=user.email, hours=hours, link=link)}


def redeem(raw: str, password: str, now: datetime) -> User:
    used = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.token_hash == _digest(raw), PasswordResetToken.used_at.is_(None),
               PasswordResetToken.expires_at > now)
        .values(used_at=now).returning(PasswordResetToken.user_id)
        .execution_options(synchronize_session=False)).first()
    if used is None:
        raise ApiError(400, "invalid_reset_token",
                       _("This reset link has expired or was already used; ask for a new one"))
    user = db.session.get(User, used.user_id)
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    set_password(user, password)
    record("auth.password_reset", "user", user.id, user_id=user.id, now=now)
    return user
