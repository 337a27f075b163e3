"""Fixtures: the app on the run's own database (tests/testdb.py), built once per run, with every test starting
from empty tables; a client, the factory world, and name resolution for push endpoints."""
from __future__ import annotations

import ipaddress
import socket

import pytest
from psycopg.errors import DeadlockDetected
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from server import create_app
from server.extensions import db
from tests.testdb import TEST_DB_URL, drop_run_databases, ensure_database, settings_for_tests


def pytest_sessionfinish(session, exitstatus):
    drop_run_databases()


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
        for attempt in range(3):
            try:
                db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
                break
            except OperationalError as exc:
                # A browser test's page may still have a request reading on the live server: when PostgreSQL
                # picks the TRUNCATE to break the deadlock, that request finishes and the TRUNCATE goes again.
                db.session.rollback()
                if attempt == 2 or not isinstance(exc.orig, DeadlockDetected):
                    raise
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
