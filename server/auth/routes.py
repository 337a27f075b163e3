from flask import current_app, request
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    decode_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
    set_access_cookies,
    set_refresh_cookies,
    unset_jwt_cookies,
)
from flask_smorest import Blueprint
from jwt import InvalidTokenError

from server.audit.service import record
from server.auth import accounts, resets, service, throttle
from server.auth.models import User
from server.auth.schemas import (
    AccessTokenSchema,
    LanguageChoiceSchema,
    LoginSchema,
    LogoutSchema,
    PasswordChangeSchema,
    PasswordResetSchema,
    TokensSchema,
    UserSchema,
)
from server.auth.tenancy import current_identity
from server.db_types import utcnow
from server.errors import ApiError, ErrorSchema
from server.extensions import db
from server.i18n import _

bp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Login, tokens, passwords and one's own account")


def _address() -> str:
    # The connecting address, or the client's own behind proxy_hops trusted proxies (ProxyFix).
    return request.remote_addr or "unknown"


def _signed_in(user: User):
    """Tokens in the body for API clients; the same tokens in httpOnly cookies for the PWA."""
    claims = service.token_claims(user)
    access = create_access_token(identity=str(user.id), additional_claims=claims)
    refresh = create_refresh_token(identity=str(user.id), additional_claims=claims)
    response = current_app.json.response(
        TokensSchema().dump({"access_token": access, "refresh_token": refresh, "user": user})
    )
    set_access_cookies(response, access)
    set_refresh_cookies(response, refresh)
    return response


@bp.post("/auth/login")
@bp.arguments(LoginSchema)
@bp.response(200, TokensSchema)
@bp.alt_response(401, schema=ErrorSchema, description="invalid_credentials: email or password is wrong")
@bp.alt_response(429, schema=ErrorSchema,
                 description="rate_limited: too many failed logins for this account or address; see Retry-After")
@bp.doc(security=[])
def login(body):
    now, address = utcnow(), _address()
    throttle.check(body["email"], address, now)
    user = service.authenticate(body["email"], body["password"], address=address, now=now)
    if user is None:
        throttle.failed(body["email"], address, now)
        db.session.commit()  # the failure counts, and stays in the audit log, although the answer is 401
        raise ApiError(401, "invalid_credentials", _("Email or password is wrong"))
    db.session.commit()
    return _signed_in(user)


@bp.post("/auth/refresh")
@jwt_required(refresh=True)
@bp.response(200, AccessTokenSchema)
def refresh():
    """A deactivated user's refresh token is already refused by the token check (token_revoked)."""
    user = db.session.get(User, int(get_jwt_identity()))
    access = create_access_token(identity=str(user.id), additional_claims=service.token_claims(user))
    response = current_app.json.response({"access_token": access})
    set_access_cookies(response, access)
    return response


@bp.post("/auth/logout")
@jwt_required(verify_type=False)
@bp.arguments(LogoutSchema)
@bp.response(204)
def logout(body):
    """Revokes the presented token and the refresh token (from the body or cookie) with it."""
    user_id = int(get_jwt_identity())
    service.revoke(get_jwt(), user_id)
    refresh_token = body.get("refresh_token") or request.cookies.get(current_app.config["JWT_REFRESH_COOKIE_NAME"])
    if refresh_token:
        try:
            decoded = decode_token(refresh_token, allow_expired=True)
        except InvalidTokenError:
            decoded = None
        if decoded and decoded.get("sub") == str(user_id):  # only the caller's own token, never a machine's
            service.revoke(decoded, user_id)
    record("auth.logout", "user", user_id, user_id=user_id, now=utcnow())
    db.session.commit()
    response = current_app.response_class(status=204)
    unset_jwt_cookies(response)
    return response


@bp.get("/auth/me")
@bp.response(200, UserSchema)
def me():
    return db.session.get(User, current_identity().user_id)


@bp.patch("/auth/me")
@bp.arguments(LanguageChoiceSchema)
@bp.response(200, UserSchema)
def update_me(body):
    """Sets the signed-in person's own language, used by the PWA on every device and for API messages."""
    user = accounts.set_language(db.session.get(User, current_identity().user_id), body["language"], utcnow())
    db.session.commit()
    return user


@bp.post("/auth/password")
@bp.arguments(PasswordChangeSchema)
@bp.response(200, TokensSchema)
@bp.alt_response(429, schema=ErrorSchema,
                 description="rate_limited: too many wrong passwords for this account or address; see Retry-After")
def change_password(body):
    """Ends every session of the user, this one included, and answers with fresh tokens for this one.

    A wrong current password counts as a failed login, so a borrowed session cannot guess it."""
    now, address = utcnow(), _address()
    user = db.session.get(User, current_identity().user_id)
    throttle.check(user.email, address, now)
    if not service.change_password(user, body["current_password"], body["new_password"], now):
        throttle.failed(user.email, address, now)
        db.session.commit()  # the failure counts, and stays in the audit log
        message = _("The current password is wrong")
        raise ApiError(422, "wrong_password", message, {"fields": {"current_password": [message]}})
    db.session.commit()
    return _signed_in(user)


@bp.post("/auth/password-reset")
@bp.arguments(PasswordResetSchema)
@bp.response(204)
@bp.alt_response(400, schema=ErrorSchema, description="invalid_reset_token: the link is unknown, used or expired")
@bp.doc(security=[])
def redeem_reset(body):
    """Sets a new password with the token from an emailed reset link; each link works once."""
    resets.redeem(body["token"], body["new_password"], utcnow())
    db.session.commit()
