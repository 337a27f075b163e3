"""One JSON error shape for every failure: {"error": {"code", "message", "details"}}."""
from __future__ import annotations

from flask import jsonify
from marshmallow import fields
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from server.i18n import N_, _
from server.schemas import Schema


class ApiError(Exception):
    """Raised by services; routes let it propagate to the handler below."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={
        "description": "Stable, machine-readable: validation_error, not_found, forbidden, geofence_outside, ..."})
    message = fields.String(required=True, metadata={"description": "For people; may change"})
    details = fields.Dict(required=True, metadata={
        "description": "More about this error; validation errors put their messages under fields, by field name"})


class ErrorSchema(Schema):
    """The body of every error answer, documented as each operation's default response."""

    error = fields.Nested(ErrorDetailSchema, required=True)


def not_found(message: str) -> ApiError:
    """`not_found(_("Visit not found"))`: another tenant's object looks exactly like one that does not exist."""
    return ApiError(404, "not_found", message)


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", _("Invalid input"), {"fields": {field: [message]}})


def error_body(status: int, code: str, message: str, details: dict | None = None):
    return jsonify({"error": {"code": code, "message": message, "details": details or {}}}), status


_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "validation_error", 429: "rate_limited",
}


# werkzeug's own descriptions, in words a person acts on and in the catalogue.
_HTTP_MESSAGES = {
    400: N_("The request could not be understood"), 401: N_("Sign in first"),
    403: N_("You may not do this"), 404: N_("Not found"), 405: N_("This method is not allowed here"),
    409: N_("This conflicts with the current state; reload and try again"),
    413: N_("The request is too large"), 415: N_("This content type is not accepted"),
    429: N_("Too many requests; try again shortly"),
}

# marshmallow's own field messages, so a Welsh reader sees them in Welsh too; others pass through unchanged.
MARSHMALLOW_MESSAGES = (
    N_("Missing data for required field."), N_("Field may not be null."), N_("Unknown field."),
    N_("Not a valid integer."), N_("Not a valid number."), N_("Not a valid string."), N_("Not a valid boolean."),
    N_("Not a valid datetime."), N_("Not a valid date."), N_("Not a valid time."), N_("Not a valid email address."),
    N_("Not a valid URL."), N_("Not a valid UUID."), N_("Not a valid list."), N_("Not a valid mapping type."),
    N_("Invalid input type."), N_("Invalid value."),
)


def translated(messages):
    """Field messages (nested dicts and lists of text) in the request's language, where the catalogue has them."""
    if isinstance(messages, dict):
        return {key: translated(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translated(value) for value in messages]
    return _(messages) if isinstance(messages, str) else messages


# SQLSTATEs of a PostgreSQL that is down, restarting or refusing connections (class 08: connection exception).
_PG_UNAVAILABLE = ("08", "57P01", "57P02", "57P03")


def database_problem(exc: DBAPIError) -> ApiError | None:
    """A 503 for a database that cannot be reached or stays locked past the busy timeout; None for an error
    in the SQL itself (a constraint, a missing table), which is a bug to see as a 500, not an outage."""
    orig = exc.orig
    sqlite_name = getattr(orig, "sqlite_errorname", "") or ""
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlite_name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or sqlstate == "55P03":
        return ApiError(503, "database_busy", _("The database is busy; try again shortly"))
    unreachable = (exc.connection_invalidated or isinstance(exc, InterfaceError)
                   or sqlite_name.startswith(("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_NOTADB"))
                   or (isinstance(exc, OperationalError) and not sqlite_name
                       and (not sqlstate or sqlstate.startswith(_PG_UNAVAILABLE))))
    if unreachable:
        return ApiError(503, "database_unavailable", _("The database cannot be reached; try again shortly"))
    return None


def database_reason(exc: DBAPIError) -> str:
    """The driver's first line, enough for one log line."""
    text = str(exc.orig).strip()
    return text.splitlines()[0] if text else type(exc.orig).__name__


def register_error_handlers(app) -> None:
    from server.extensions import db

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        db.session.rollback()
        return (*error_body(exc.status, exc.code, exc.message, exc.details), exc.headers)

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError):
        db.session.rollback()
        problem = database_problem(exc)
        if problem is None:
            raise exc
        app.logger.warning("%s: %s", problem.code, database_reason(exc))
        return error_body(problem.status, problem.code, problem.message)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        db.session.rollback()
        status = exc.code or 500
        details = {}
        data = getattr(exc, "data", None) or {}
        messages = data.get("messages")
        if messages:
            # webargs nests field messages under the location ("json", "query"); flatten one level.
            fields = {}
            for location_messages in messages.values():
                fields.update(location_messages if isinstance(location_messages, dict) else {"_": location_messages})
            details["fields"] = translated(fields)
        message = _("Invalid input") if status == 422 else _(_HTTP_MESSAGES.get(status, exc.description or exc.name))
        return error_body(status, _HTTP_CODES.get(status, "http_error"), message, details)
