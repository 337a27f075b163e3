"""Test database selection and per-test isolation.

CAREMON_TEST_DATABASE_URL picks the database (SQLite file by default; .ci/run also
runs the suite against PostgreSQL). Each run gets its own database (a SQLite file in
its own temporary folder, or the PostgreSQL name with a per-run suffix, dropped at the
end), so two runs on one machine never meet. The schema is built once per run and
every test starts from empty tables.
"""
from __future__ import annotations

import ipaddress
import os
import secrets
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
from flask_jwt_extended import create_access_token
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server import create_app
from server.auth.service import token_claims
from server.extensions import db

# Kept in the environment so that every import of this module (pytest's and `from tests.conftest import`)
# and every server process a test starts agree on the run's database.
# Under pytest-xdist each worker adds its own name (inherited by its server processes), so workers never meet either.
RUN_ID = "_".join(filter(None, (
    os.environ.setdefault("CAREMON_TEST_RUN_ID", f"{os.getpid()}_{secrets.token_hex(3)}"),
    os.environ.get("PYTEST_XDIST_WORKER"))))
_RUN_DIR = Path(tempfile.gettempdir()) / f"caremon-test-{RUN_ID}"
_RUN_DIR.mkdir(exist_ok=True)


def _run_database_url() -> str:
    configured = os.environ.get("CAREMON_TEST_DATABASE_URL")
    if not configured:
        return f"sqlite:///{_RUN_DIR / 'caremon-test.db'}"
    url = make_url(configured)
    if url.drivername.startswith("postgresql"):
        url = url.set(database=f"{url.database}_{RUN_ID}")
    return url.render_as_string(hide_password=False)


TEST_DB_URL = _run_database_url()
TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256"


def ensure_database(url: str) -> None:
    """Create the PostgreSQL test database on first use; SQLite creates its file itself."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def drop_run_databases() -> None:
    """Drop every PostgreSQL database this run created (its own name and the names derived from it)."""
    parsed = make_url(TEST_DB_URL)
    if parsed.drivername.startswith("postgresql"):
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            names = conn.scalars(text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                                 {"p": f"{parsed.database}%"}).all()
            for name in names:  # FORCE: the run's own pooled connections may still be open
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    shutil.rmtree(_RUN_DIR, ignore_errors=True)


def pytest_sessionfinish(session, exitstatus):
    drop_run_databases()


def settings_for_tests(**extra) -> dict:
    return {
        "database_url": TEST_DB_URL, "secret_key": TEST_SECRET, "cookie_secure": False,
        "rate_limit_enabled": False, **extra,
    }


@pytest.fixture(scope="session")
def app():
    ensure_database(TEST_DB_URL)
    app = create_app(settings_for_tests())
    app.config["TESTING"] = True
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))
    db.session.commit()


@pytest.fixture(autouse=True)
def _db(request):
    if "app" not in request.fixturenames:  # pure unit tests need no database
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        _empty_tables()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(app):
    from tests.factories import make_world

    return make_world()


def headers_for(user) -> dict:
    """A bearer header minted directly, so tests don't pay for a password hash per request; for an API client,
    the token its client credentials would get, with every scope it holds."""
    from server.feed import clients
    from server.feed.models import ApiClient

    if isinstance(user, ApiClient):
        token = create_access_token(identity=f"api_client:{user.id}",
                                    additional_claims=clients.token_claims(user, user.scopes))
    else:
        token = create_access_token(identity=str(user.id), additional_claims=token_claims(user))
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def push_dns(monkeypatch) -> dict:
    """Push endpoints' name resolution without the network: a table of host -> addresses the test may change.

    push.example.net resolves to a public address; an IP literal resolves to itself; other names do not resolve.
    """
    from server.notify import endpoints

    table = {"push.example.net": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]}

    def getaddrinfo(host, port, *_args, **_kwargs):
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            if host not in table:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
            addresses = table[host]
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses]

    monkeypatch.setattr(endpoints, "getaddrinfo", getaddrinfo)
    return table
