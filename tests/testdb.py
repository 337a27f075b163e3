"""The test run's own database and the settings an app under test runs with.

CAREMON_TEST_DATABASE_URL picks the database (SQLite file by default; .ci/run also
runs the suite against PostgreSQL). Each run gets its own database (a SQLite file in
its own temporary folder, or the PostgreSQL name with a per-run suffix, dropped at the
end), so two runs on one machine never meet.
"""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# Kept in the environment so that every server process a test starts agrees on the run's database.
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


def settings_for_tests(**extra) -> dict:
    return {
        "database_url": TEST_DB_URL, "secret_key": TEST_SECRET, "cookie_secure": False,
        "rate_limit_enabled": False, **extra,
    }
