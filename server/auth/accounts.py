"""Administrators making logins, switching them off or on and moving staff between provider roles; a person's own
language.

Each change ends the user's tokens at once (see service.end_sessions): a leaver's phone or a
demoted coordinator's desktop is refused on its next request, not when its token expires.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select

from server.audit.service import record
from server.auth.models import STAFF, User
from server.auth.passwords import hash_password
from server.auth.service import end_sessions
from server.auth.tenancy import Identity
from server.errors import ApiError, invalid
from server.extensions import db
from server.i18n import _


def new_login(email: str, name: str, password: str | None, role: str, **tenant) -> User:
    """A login; without a password it gets an unguessable one nobody knows, to be replaced through an
    invitation link."""
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise invalid("email", _("This email already has a login"))
    user = User(email=email, name=name, password_hash=hash_password(password or secrets.token_urlsafe(32)),
                role=role, **tenant)
    db.session.add(user)
    db.session.flush()
    return user


def create_staff(ident: Identity, data: dict, now: datetime) -> User:
    """A coordinator's or provider admin's login in the admin's provider, to be invited by the caller."""
    user = new_login(data["email"], data["name"], None, data["role"], provider_id=ident.provider_id)
    record("user.create", "user", user.id, user_id=ident.user_id, now=now, role=data["role"])
    return user


def update_user(ident: Identity, user: User, data: dict, now: datetime) -> User:
    if user.id == ident.user_id:
        # Nobody locks themselves out, or leaves a provider without an administrator, by mistake.
        raise ApiError(403, "own_account", _("Another administrator must change your own login"))
    if "role" in data and data["role"] != user.role:
        _change_role(ident, user, data["role"], now)
    if "active" in data:
        set_active(ident.user_id, user, data["active"], now)
    return user


def _change_role(ident: Identity, user: User, role: str, now: datetime) -> None:
    # Other roles hang on their own record (a worker, a family link, a council) and are made with it.
    if user.role not in STAFF or role not in STAFF:
        raise invalid("role", _("Only coordinators and provider admins can swap roles, with each other"))
    record("user.role_change", "user", user.id, user_id=ident.user_id, now=now, before=user.role, after=role)
    user.role = role
    end_sessions(user)


def set_active(by_user_id: int, user: User, active: bool, now: datetime) -> None:
    if user.active == active:
        return
    user.active = active
    end_sessions(user)
    record("user.deactivate" if not active else "user.reactivate", "user", user.id, user_id=by_user_id, now=now)


def language_of(user_id: int) -> str | None:
    """The person's own choice for API messages; None until they choose, or when the login is gone."""
    user = db.session.get(User, user_id)
    return user.language if user is not None else None


def set_language(user: User, language: str, now: datetime) -> User:
    """The person's own choice; it changes no permission, so their tokens stay valid."""
    if user.language != language:
        record("user.language", "user", user.id, user_id=user.id, now=now, before=user.language, after=language)
        user.language = language
    return user
