from flask import current_app, request
from flask_jwt_extended import (
    create_access_token, create_refresh_token, decode_token, get_jwt, get_jwt_identity,
    jwt_required, set_access_cookies, set_refresh_cookies, unset_jwt_cookies,
)
from flask_smorest import Blueprint
from jwt import InvalidTokenError

from server.auth import service
from server.auth.models import User
from server.auth.schemas import AccessTokenSchema, LoginSchema, LogoutSchema, TokensSchema, UserSchema
from server.auth.tenancy import current_identity
from server.errors import ApiError, ErrorSchema
from server.extensions import db, limiter

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Login, refresh and logout")


def _login_limit() -> str:
    return current_app.config["CAREMON"]["login_rate_limit"]


def _limits_off() -> bool:
    # The limiter is one object shared by every app in the process; each app's own setting decides.
    return not current_app.config["RATELIMIT_ENABLED"]


@bp.post("/login")
@limiter.limit(_login_limit, exempt_when=_limits_off)
@bp.arguments(LoginSchema)
@bp.response(200, TokensSchema)
@bp.alt_response(401, schema=ErrorSchema, description="invalid_credentials: email or password is wrong")
@bp.alt_response(429, schema=ErrorSchema, description="rate_limited: too many attempts; try again later")
@bp.doc(security=[])
def login(body):
    """Tokens in the body for API clients; the same tokens in httpOnly cookies for the PWA."""
    user = service.authenticate(body["email"], body["password"])
    claims = service.token_claims(user)
    access = create_access_token(identity=str(user.id), additional_claims=claims)
    refresh = create_refresh_token(identity=str(user.id), additional_claims=claims)
    response = current_app.json.response(
        TokensSchema().dump({"access_token": access, "refresh_token": refresh, "user": user})
    )
    set_access_cookies(response, access)
    set_refresh_cookies(response, refresh)
    return response


@bp.post("/refresh")
@jwt_required(refresh=True)
@bp.response(200, AccessTokenSchema)
def refresh():
    user = db.session.get(User, int(get_jwt_identity()))
    if user is None or not user.active:
        raise ApiError(401, "unauthorized", "This login is no longer active")
    access = create_access_token(identity=str(user.id), additional_claims=service.token_claims(user))
    response = current_app.json.response({"access_token": access})
    set_access_cookies(response, access)
    return response


@bp.post("/logout")
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
        if decoded and int(decoded["sub"]) == user_id:
            service.revoke(decoded, user_id)
    db.session.commit()
    response = current_app.response_class(status=204)
    unset_jwt_cookies(response)
    return response


@bp.get("/me")
@jwt_required()
@bp.response(200, UserSchema)
def me():
    return db.session.get(User, current_identity().user_id)
