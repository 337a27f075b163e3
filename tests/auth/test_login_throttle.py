"""Failed logins are throttled per account and per address, in storage every web worker shares.

Two apps over one database stand for two gunicorn workers. Limits here: 3 failures per account
and 5 per address, each per minute.
"""
from __future__ import annotations

import uuid

import pytest
import redis
from sqlalchemy import select

from server import create_app
from server.auth.models import LoginFailure
from server.extensions import db
from tests.error_shape import assert_error
from tests.factories import PASSWORD
from tests.sessions import bearer, login
from tests.testdb import settings_for_tests

REDIS_URL = "redis://127.0.0.1:6379/0"


def worker_app(**settings):
    app = create_app(settings_for_tests(rate_limit_enabled=True, login_account_rate_limit="3 per minute",
                                        login_rate_limit="5 per minute", **settings))
    app.config["TESTING"] = True
    return app


@pytest.fixture(scope="module")
def worker_apps(app):
    """Two web workers sharing the session app's database."""
    apps = [worker_app(), worker_app()]
    yield apps
    for a in apps:
        with a.app_context():
            db.engine.dispose()


@pytest.fixture
def workers(worker_apps):
    return [a.test_client() for a in worker_apps]


def from_address(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def assert_throttled(response) -> int:
    assert_error(response, 429, "rate_limited")
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert response.get_json()["error"]["details"]["retry_after"] == wait
    return wait


def test_workers_share_one_count(workers, world):
    first, second = workers
    assert login(first, "w1@alpha.example", "guess 1").status_code == 401
    assert login(second, "w1@alpha.example", "guess 2").status_code == 401
    assert login(first, "w1@alpha.example", "guess 3").status_code == 401
    # The fourth try goes to the other worker, which has seen only one of the failures itself.
    assert_throttled(login(second, "w1@alpha.example", PASSWORD))
    assert_throttled(login(first, "w1@alpha.example", PASSWORD))


def test_the_account_limit_holds_across_addresses(workers, world):
    client = workers[0]
    for i in range(3):
        assert login(from_address(client, f"10.0.0.{i}"), "w1@alpha.example", "guess").status_code == 401
    assert_throttled(login(from_address(client, "10.0.0.99"), "w1@alpha.example", PASSWORD))
    # Other accounts from those addresses are not held up.
    assert login(from_address(client, "10.0.0.1"), "w2@alpha.example").status_code == 200


def test_the_address_limit_holds_across_accounts(workers, world):
    client = from_address(workers[0], "192.0.2.7")
    for i in range(5):
        assert login(client, f"guess{i}@alpha.example", "guess").status_code == 401
    assert_throttled(login(client, "w1@alpha.example", PASSWORD))
    assert login(from_address(workers[1], "192.0.2.8"), "w1@alpha.example").status_code == 200


def test_only_failures_count(workers, world):
    """A care office where everybody signs in from one address each morning is never held up."""
    client = from_address(workers[0], "198.51.100.1")
    for _ in range(6):  # one more than the address may fail
        assert login(client, "w1@alpha.example").status_code == 200
    assert db.session.scalar(select(LoginFailure.id)) is None


def test_a_throttled_attempt_is_not_counted_or_audited_as_a_login(workers, world):
    client = workers[0]
    for _ in range(3):
        login(client, "w1@alpha.example", "guess")
    for _ in range(4):
        assert_throttled(login(client, "w1@alpha.example", PASSWORD))
    assert len(db.session.scalars(select(LoginFailure)).all()) == 3


def test_the_window_moves_on(workers, world):
    client = workers[0]
    for _ in range(3):
        login(client, "w1@alpha.example", "guess")
    assert_throttled(login(client, "w1@alpha.example", PASSWORD))
    # Age the failures past the window instead of waiting for it.
    for failure in db.session.scalars(select(LoginFailure)):
        failure.at = failure.at.replace(year=failure.at.year - 1)
    db.session.commit()
    assert login(client, "w1@alpha.example").status_code == 200


def test_wrong_current_password_on_a_change_counts_against_the_account(workers, world):
    client = workers[0]
    tokens = login(client, "w1@alpha.example").get_json()
    body = {"current_password": "guess", "new_password": "tea at the lighthouse"}
    for _ in range(3):
        assert_error(client.post("/api/v1/auth/password", json=body, headers=bearer(tokens["access_token"])),
                     422, "wrong_password")
    body["current_password"] = PASSWORD
    assert_throttled(client.post("/api/v1/auth/password", json=body, headers=bearer(tokens["access_token"])))
    assert_throttled(login(client, "w1@alpha.example"))


def test_throttling_off_counts_nothing(client, world):
    """The session app has rate_limit_enabled off, as the rest of the suite relies on."""
    for _ in range(4):
        assert_error(login(client, "w1@alpha.example", "guess"), 401, "invalid_credentials")
    assert db.session.scalar(select(LoginFailure.id)) is None


def _redis_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_workers_share_the_count_in_redis(app, world):
    """With a redis:// storage the counts live in Redis and the database holds none."""
    apps = [worker_app(rate_limit_storage=REDIS_URL), worker_app(rate_limit_storage=REDIS_URL)]
    first, second = (a.test_client() for a in apps)
    # Keys of their own, so runs sharing the server never meet.
    email, address = f"{uuid.uuid4().hex}@nowhere.example", f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.9"
    for client in (first, second, first):
        assert login(from_address(client, address), email, "guess").status_code == 401
    assert_throttled(login(from_address(second, "10.255.255.1"), email, "guess"))
    for _ in range(2):
        assert login(from_address(second, address), f"{uuid.uuid4().hex}@nowhere.example", "guess").status_code == 401
    assert_throttled(login(from_address(first, address), "w1@alpha.example", PASSWORD))
    assert db.session.scalar(select(LoginFailure.id)) is None
    for a in apps:
        with a.app_context():
            db.engine.dispose()
