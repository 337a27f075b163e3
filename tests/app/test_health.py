"""Operators' probes and what every request answers while the database is down, then back."""
from __future__ import annotations

import flask_migrate
import pytest
from flask_jwt_extended import create_access_token
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from server import create_app
from server.errors import database_problem
from server.extensions import db
from tests.sessions import headers_for
from tests.testdb import TEST_DB_URL, settings_for_tests

NOBODY_LISTENS = "postgresql+psycopg://postgres@127.0.0.1:1/caremon?connect_timeout=2"


def app_at(url: str):
    app = create_app(settings_for_tests(database_url=url))
    app.config["TESTING"] = True
    return app


def bearer(app) -> dict:
    with app.app_context():
        return {
            "Authorization": f"Bearer {create_access_token(identity='1', additional_claims={'role': 'coordinator'})}"
        }


def assert_unavailable(response):
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "database_unavailable"


@pytest.mark.parametrize("where", ["postgresql", "sqlite"])
def test_with_the_database_unreachable_every_api_request_is_503_and_healthz_still_200(where, tmp_path):
    app = app_at(NOBODY_LISTENS if where == "postgresql" else f"sqlite:///{tmp_path / 'missing' / 'caremon.db'}")
    client = app.test_client()
    health = client.get("/healthz")
    assert (health.status_code, health.get_json()) == (200, {"status": "ok"})
    assert_unavailable(client.get("/readyz"))
    assert_unavailable(client.post("/api/v1/auth/login", json={"email": "a@b.example", "password": "x" * 12}))
    assert_unavailable(client.get("/api/v1/visits", headers=bearer(app)))
    assert_unavailable(client.get("/api/v1/notify/vapid-public-key", headers=bearer(app)))


def test_requests_recover_by_themselves_once_the_database_is_back(tmp_path):
    folder = tmp_path / "not-yet"
    app = app_at(f"sqlite:///{folder / 'caremon.db'}")
    client = app.test_client()
    assert_unavailable(client.post("/api/v1/auth/login", json={"email": "a@b.example", "password": "x" * 12}))
    folder.mkdir()
    with app.app_context():
        flask_migrate.upgrade()
    login = client.post("/api/v1/auth/login", json={"email": "a@b.example", "password": "x" * 12})
    assert login.status_code == 401  # the database answered: no such user
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["status"] == "ready"


@pytest.mark.skipif(not TEST_DB_URL.startswith("postgresql"), reason="a PostgreSQL server ending its sessions")
def test_connections_the_database_server_dropped_are_replaced_without_an_error(world):
    """As after a PostgreSQL restart or failover: every pooled connection is gone; the next request still works."""
    coordinator = headers_for(world.alpha.coordinator)
    db.session.close()  # the test's own session lets go of its connection, so only the pool's are ended
    client = app_at(TEST_DB_URL).test_client()  # its own app: each request ends its session, as in production
    assert client.get("/api/v1/visits", headers=coordinator).status_code == 200
    admin = create_engine(TEST_DB_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        ended = conn.scalar(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    admin.dispose()
    assert ended >= 1
    assert client.get("/api/v1/visits", headers=coordinator).status_code == 200


def test_readyz_names_pending_migrations(tmp_path):
    app = app_at(f"sqlite:///{tmp_path / 'caremon.db'}")
    with app.app_context():
        db.create_all()  # tables, but no Alembic revision: `caremon db upgrade` never ran
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "migrations_pending"
    assert error["details"]["current"] == [] and len(error["details"]["head"]) == 1


def test_sql_errors_are_not_mistaken_for_an_outage(app):
    """A constraint or a missing table is a bug to see as a 500, not a 503 that says 'try again'."""
    db.session.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY)"))
    db.session.execute(text("INSERT INTO probe (id) VALUES (1)"))
    try:
        for statement in ("INSERT INTO probe (id) VALUES (1)", "SELECT * FROM no_such_table"):
            with pytest.raises(DBAPIError) as raised, db.session.begin_nested():
                db.session.execute(text(statement))
            assert database_problem(raised.value) is None, statement
    finally:
        db.session.rollback()
        db.session.execute(text("DROP TABLE IF EXISTS probe"))
        db.session.commit()
