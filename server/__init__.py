"""Caremon: electronic call monitoring for home care."""
from __future__ import annotations

from datetime import timedelta
from functools import partial
from importlib import import_module
from pathlib import Path

import orjson
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from server import i18n, limits
from server.config import SettingsError, load_settings
from server.errors import register_error_handlers
from server.extensions import api, db, jwt, migrate
from server.fairpay.minimum_wage import minimum_wages
from server.observability import web as observability
from server.payments.rules import load_rule_sets

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")


def _flask_config(settings: dict) -> dict:
    secret = settings.get("secret_key")
    if not secret:
        raise SettingsError("CAREMON_SECRET_KEY is not set (caremon demo generates one for you)")
    return {
        "SECRET_KEY": secret,
        "MAX_CONTENT_LENGTH": settings["max_request_bytes"],
        "SQLALCHEMY_DATABASE_URI": settings["database_url"],
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(settings),
        "JWT_SECRET_KEY": secret,
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(minutes=settings["access_token_minutes"]),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(minutes=settings["refresh_token_minutes"]),
        "JWT_TOKEN_LOCATION": ["headers", "cookies"],
        "JWT_COOKIE_SECURE": settings["cookie_secure"],
        "JWT_COOKIE_SAMESITE": "Strict",
        "JWT_COOKIE_CSRF_PROTECT": True,
        # Cookies expire with their tokens, so the PWA can tell from the readable CSRF cookies whether it holds a
        # session and whether its access token needs renewing, without a request that ends in 401.
        "JWT_SESSION_COOKIE": False,
        "JWT_REFRESH_COOKIE_PATH": "/api/v1/auth",
        "API_TITLE": "Caremon",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api-docs/assets/",
        "API_SPEC_OPTIONS": {
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
            "security": [{"bearer": []}],
        },
        "CAREMON": settings,
    }


def _engine_options(settings: dict) -> dict:
    # A dropped connection is replaced, not handed to a request; JSON columns are read by orjson (exports read
    # two a row).
    options = {"pool_pre_ping": True, "json_deserializer": orjson.loads}
    if settings["database_url"].startswith("sqlite"):
        # How long a statement waits for another writer's lock (SQLite's busy timeout), then 503 database_busy.
        options["connect_args"] = {"timeout": settings["sqlite_busy_timeout_s"]}
    return options


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    # Foreign keys on, and WAL so the scheduler and web server can share one SQLite file.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_a_transaction(conn, _name):
    """The sqlite3 driver opens no transaction for a SAVEPOINT: that savepoint would become the transaction
    and its RELEASE a commit, parting it from the rest of the request's work. Begin one first, holding the
    write lock, so a savepoint nests as on PostgreSQL and concurrent writers wait their turn (busy_timeout)."""
    raw = conn.connection.dbapi_connection
    if type(raw).__module__.startswith("sqlite3") and not raw.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_app(overrides: dict | None = None) -> Flask:
    settings = load_settings(overrides)
    # A broken rule-set file stops the start, naming the file, key and problem, rather than a first export.
    load_rule_sets()
    minimum_wages(settings)  # likewise a bad minimum-wage table
    app = Flask(__name__, static_folder=None)
    app.config.update(_flask_config(settings))
    if settings["proxy_hops"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings["proxy_hops"], x_proto=settings["proxy_hops"])

    import server.models  # noqa: F401  (register every table)
    from server.auth.accounts import language_of

    limits.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    jwt.init_app(app)
    api.init_app(app)
    i18n.init_app(app, user_language=language_of)
    register_error_handlers(app)
    observability.init_app(app)
    _register_jwt_callbacks()
    _register_blueprints(app)
    return app


API_DOMAINS = ("auth", "directory", "care", "visits", "feedback", "reports", "payments", "monitoring", "notify",
               "sync", "feed", "exports", "webhooks", "tags", "sms", "medication", "fairpay", "outcomes",
               "commissioning", "planner")


def _register_blueprints(app: Flask) -> None:
    """Each domain's routes.py holds one blueprint named bp; imported here so models load first."""
    for domain in API_DOMAINS:
        api.register_blueprint(import_module(f"server.{domain}.routes").bp)
    from server.web.routes import bp as web_bp
    app.register_blueprint(web_bp)  # plain Flask: the PWA's files are not API operations
    from server.health import bp as health_bp
    app.register_blueprint(health_bp)


def _register_jwt_callbacks() -> None:
    from server.auth.service import token_refused
    from server.errors import error_body
    from server.feed import clients as api_clients
    from server.i18n import N_, _

    @jwt.token_in_blocklist_loader
    def _revoked(_header, payload):
        if "api_client_id" in payload:  # a provider's system, not a person
            return api_clients.token_refused(payload)
        return token_refused(payload)

    # Every refusal is a 401 in the error shape of errors.py, told apart by its code.
    for loader, code in ((jwt.unauthorized_loader, "unauthorized"), (jwt.invalid_token_loader, "invalid_token")):
        loader(partial(error_body, 401, code))  # with flask-jwt-extended's reason
    refusals = {
        jwt.expired_token_loader: ("token_expired", N_("Token has expired")),
        jwt.revoked_token_loader: ("token_revoked", N_("Token has been revoked")),
        jwt.needs_fresh_token_loader: ("fresh_token_required", N_("Fresh token required")),
        jwt.user_lookup_error_loader: ("unauthorized", N_("User not found")),
    }
    for loader, (code, message) in refusals.items():
        loader(lambda _header, _payload, code=code, message=message: error_body(401, code, _(message)))
