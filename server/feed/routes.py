"""The provider feed's endpoints: API client management for provider administrators, the OAuth2 client
credentials grant, the batches a provider's systems send, and the JSON Schemas that describe them."""
from collections import Counter
from datetime import timedelta
from functools import wraps
from urllib.parse import unquote_plus

from flask import current_app, jsonify, request
from flask_jwt_extended import create_access_token
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, ValidationError

from device_sync.protocol import ACCEPTED
from server.audit.service import record
from server.auth.models import Role
from server.auth.tenancy import current_identity, roles_required
from server.db_types import utcnow
from server.errors import ApiError, invalid
from server.extensions import db
from server.feed import batch, clients, events, files, imports, rejections, upserts
from server.feed.models import EVENTS_WRITE, FEED_WRITE, ApiClient, UpsertStatus
from server.feed.schemas import (
    ApiClientInSchema,
    ApiClientSchema,
    ApiClientSecretSchema,
    ClientItemSchema,
    FeedBatchSchema,
    FeedEventAnswerSchema,
    FeedEventItemSchema,
    ImportQuerySchema,
    ImportReportSchema,
    OAuthErrorSchema,
    TokenRequestSchema,
    TokenSchema,
    UpsertAnswerSchema,
    VisitItemSchema,
    WorkerItemSchema,
)
from server.i18n import _

bp = Blueprint("feed", __name__, url_prefix="/api/v1",
               description="The open provider feed: API clients, client-credentials tokens, batches from a "
                           "provider's own systems (see docs/FEED.md)")
# Answers that mean the batch changed something.
WRITES = {UpsertStatus.CREATED, UpsertStatus.UPDATED, ACCEPTED}


def scope_required(scope: str):
    """Only an API client granted the scope; people and other clients get 403."""

    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            if scope not in current_identity().scopes:
                raise ApiError(403, "forbidden",
                               _("This endpoint needs an API client token with scope %(scope)s", scope=scope))
            return fn(*args, **kwargs)

        return wrapper

    return decorator


# --- API clients, managed by the provider's administrator ---

@bp.get("/api-clients")
@roles_required(Role.PROVIDER_ADMIN)
@bp.response(200, ApiClientSchema(many=True))
def list_api_clients():
    return clients.list_clients(current_identity())


@bp.post("/api-clients")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(ApiClientInSchema)
@bp.response(201, ApiClientSecretSchema)
def create_api_client(body):
    """The secret is in this answer only; keep it in the other system's configuration."""
    api_client, secret = clients.create(current_identity(), body, utcnow())
    db.session.commit()
    return _with_secret(api_client, secret)


@bp.post("/api-clients/<int:api_client_id>/rotate")
@roles_required(Role.PROVIDER_ADMIN)
@bp.response(200, ApiClientSecretSchema)
@bp.alt_response(409, description="The API client is revoked")
def rotate_api_client(api_client_id):
    """A new secret, shown once; the old secret and the tokens it got stop working at once."""
    ident = current_identity()
    api_client = clients.get_api_client(ident, api_client_id)
    secret = clients.rotate(ident, api_client, utcnow())
    db.session.commit()
    return _with_secret(api_client, secret)


def _with_secret(api_client: ApiClient, secret: str) -> dict:
    return {**{name: getattr(api_client, name) for name in ApiClientSchema().fields}, "client_secret": secret}


@bp.delete("/api-clients/<int:api_client_id>")
@roles_required(Role.PROVIDER_ADMIN)
@bp.response(204)
def revoke_api_client(api_client_id):
    """The client's tokens are refused from their next request on, and it gets no new ones."""
    ident = current_identity()
    clients.revoke(ident, clients.get_api_client(ident, api_client_id), utcnow())
    db.session.commit()


# --- OAuth2 client credentials (RFC 6749 §4.4) ---

def _oauth_error(status: int, error: str, description: str):
    """RFC 6749 §5.2's shape (`error` a string), which OAuth2 client libraries read, instead of Caremon's."""
    response = jsonify({"error": error, "error_description": description})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="caremon"'
    return response


def _token_request() -> tuple[dict, str | None]:
    """The grant's fields, form-encoded or JSON, and what is wrong with them (as an OAuth2 error), if anything."""
    body = request.form.to_dict() if request.form else request.get_json(silent=True)
    if not isinstance(body, dict):
        return {}, "invalid_request"
    try:
        fields = TokenRequestSchema(unknown=EXCLUDE).load(body)
    except ValidationError as exc:
        return {}, "unsupported_grant_type" if list(exc.messages) == ["grant_type"] and "grant_type" in body \
            else "invalid_request"
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        if "client_id" in fields or "client_secret" in fields:
            return {}, "invalid_request"  # §2.3: one way of authenticating per request
        # §2.3.1: the Basic credentials are form-encoded first.
        fields["client_id"], fields["client_secret"] = (unquote_plus(auth.username or ""),
                                                        unquote_plus(auth.password or ""))
    return fields, None


@bp.post("/auth/token")
@bp.doc(security=[], requestBody={"required": True, "content": {
    "application/x-www-form-urlencoded": {"schema": TokenRequestSchema},
    "application/json": {"schema": TokenRequestSchema}}})
@bp.response(200, TokenSchema)
@bp.alt_response(400, schema=OAuthErrorSchema, description="invalid_request, unsupported_grant_type or invalid_scope")
@bp.alt_response(401, schema=OAuthErrorSchema, description="invalid_client: unknown, revoked or wrong secret")
def token():
    """An access token for an API client: the client credentials grant, answered as RFC 6749 says."""
    fields, problem = _token_request()
    if problem:
        return _oauth_error(400, problem, {
            "invalid_request": "Send grant_type=client_credentials with client_id and client_secret, once each",
            "unsupported_grant_type": "Only grant_type=client_credentials is supported"}[problem])
    api_client = clients.authenticate(fields.get("client_id") or "", fields.get("client_secret") or "")
    if api_client is None:
        return _oauth_error(401, "invalid_client", "Unknown client, revoked client, or wrong secret")
    scopes = fields["scope"].split() if fields.get("scope") else api_client.scopes
    if not scopes or not set(scopes) <= set(api_client.scopes):
        return _oauth_error(400, "invalid_scope", f"This client may ask for: {' '.join(api_client.scopes)}")
    minutes = current_app.config["CAREMON"]["feed_token_minutes"]
    access = create_access_token(identity=f"api_client:{api_client.id}", expires_delta=timedelta(minutes=minutes),
                                 additional_claims=clients.token_claims(api_client, sorted(set(scopes))))
    record("api_client.token", "api_client", api_client.id, user_id=None, now=utcnow(), scopes=sorted(set(scopes)))
    db.session.commit()
    return {"access_token": access, "token_type": "Bearer", "expires_in": minutes * 60,
            "scope": " ".join(sorted(set(scopes)))}, 200, {"Cache-Control": "no-store"}


# --- Batches from the provider's systems ---

def _run_batch(body: dict, kind: str, schema, store_for, key_field: str) -> list[dict]:
    """store_for(ident, source, items, now) prepares the batch and gives the function that stores one item."""
    settings = current_app.config["CAREMON"]
    if len(body["items"]) > settings["feed_max_items"]:
        raise ApiError(413, "batch_too_large", _("The batch has too many items; send fewer at a time"),
                       {"max_items": settings["feed_max_items"]})
    ident, now = current_identity(), utcnow()
    source = db.session.get(ApiClient, ident.api_client_id).name
    results = batch.run(body["items"], schema, store_for(ident, source, body["items"], now), key_field)
    rejections.record(ident.provider_id, source, kind, results, now)
    counts = Counter(result["status"] for result in results)
    if counts.keys() & WRITES:  # a batch sent again writes nothing, not even its audit entry
        record(f"feed.{request.endpoint.split('.')[-1]}", "api_client", ident.api_client_id, user_id=None, now=now,
               items=len(results), **counts)
    return results


@bp.put("/feed/clients")
@scope_required(FEED_WRITE)
@bp.arguments(FeedBatchSchema)
@bp.response(200, UpsertAnswerSchema)
@bp.alt_response(413, description="More items than feed_max_items")
def feed_clients(body):
    """Clients, each with its care package if given, by the provider's reference: created, updated or unchanged."""
    results = _run_batch(body, "clients", ClientItemSchema(), upserts.ClientUpserts, "ref")
    db.session.commit()
    return {"results": results}


@bp.put("/feed/workers")
@scope_required(FEED_WRITE)
@bp.arguments(FeedBatchSchema)
@bp.response(200, UpsertAnswerSchema)
@bp.alt_response(413, description="More items than feed_max_items")
def feed_workers(body):
    results = _run_batch(body, "workers", WorkerItemSchema(), upserts.WorkerUpserts, "ref")
    db.session.commit()
    return {"results": results}


@bp.put("/feed/visits")
@scope_required(FEED_WRITE)
@bp.arguments(FeedBatchSchema)
@bp.response(200, UpsertAnswerSchema)
@bp.alt_response(413, description="More items than feed_max_items")
def feed_visits(body):
    """Planned visits; a visit already under way or delivered is not rewritten: its change is held for a
    coordinator (a feed_change exception)."""
    results = _run_batch(body, "visits", VisitItemSchema(), upserts.VisitUpserts, "ref")
    db.session.commit()
    return {"results": results}


@bp.post("/feed/events")
@scope_required(EVENTS_WRITE)
@bp.arguments(FeedBatchSchema)
@bp.response(200, FeedEventAnswerSchema)
@bp.alt_response(413, description="More items than feed_max_items")
def feed_events(body):
    """Visit events from the provider's carer app: accepted, duplicate (already stored) or rejected, as in sync."""
    threshold = current_app.config["CAREMON"]["clock_skew_threshold_s"]
    results = _run_batch(body, "events", FeedEventItemSchema(),
                         lambda ident, source, items, now: events.EventStore(ident, source, items, now, threshold),
                         "idempotency_key")
    db.session.commit()
    return {"server_time": utcnow(), "results": results}


# --- A provider administrator's CSV import ---

CSV_BODY = {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                       "properties": {"file": {"type": "string", "format": "binary"}}}},
    "text/csv": {"schema": {"type": "string"}}}}


@bp.post("/feed/import")
@roles_required(Role.PROVIDER_ADMIN)
@bp.arguments(ImportQuerySchema, location="query")
@bp.doc(requestBody=CSV_BODY)
@bp.response(200, ImportReportSchema)
@bp.alt_response(413, description="More rows than feed_max_items")
def feed_import(query):
    """Clients, workers or visits from a CSV (columns in docs/FEED.md), row by row as the feed stores them.

    With dry_run=true nothing is stored: the report says what each row would be."""
    feed_file = _uploaded_file(query["kind"])
    limit = current_app.config["CAREMON"]["feed_max_items"]
    if len(feed_file.rows) > limit:
        raise ApiError(413, "batch_too_large", _("The file has too many rows; split it"), {"max_items": limit})
    report = imports.import_file(current_identity(), feed_file, utcnow(), dry_run=query["dry_run"])
    if query["dry_run"]:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def _uploaded_file(kind: str) -> files.FeedFile:
    """The CSV sent as the multipart field `file`, or as the whole body."""
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data()
    try:
        return files.read(data.decode("utf-8"), kind)
    except UnicodeDecodeError:
        raise invalid("file", _("Save the CSV as UTF-8")) from None
    except files.FeedFileError as exc:
        raise invalid("file", str(exc)) from None


def _publish_schema(name: str) -> None:
    """One fixed route per schema file: nothing from the request reaches a file path."""
    text = (files.JSON_SCHEMAS / f"{name}.json").read_text()

    def feed_schema():
        return current_app.response_class(text, mimetype="application/schema+json")

    feed_schema.__doc__ = f"The JSON Schema (draft 2020-12) of a {name} batch."
    bp.get(f"/feed/schemas/{name}.json", endpoint=f"{name}_schema")(bp.doc(security=[])(bp.response(
        200, content_type="application/schema+json", description="A JSON Schema (draft 2020-12)")(feed_schema)))


for _name in sorted(path.stem for path in files.JSON_SCHEMAS.glob("*.json")):
    _publish_schema(_name)
