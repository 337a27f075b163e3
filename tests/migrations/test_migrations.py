"""`caremon db upgrade` builds exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server import create_app
from server.extensions import db
from tests.testdb import TEST_DB_URL, ensure_database, settings_for_tests


def test_migrations_match_the_models(tmp_path):
    url = make_url(TEST_DB_URL)
    if url.drivername.startswith("postgresql"):
        url = url.set(database=f"{url.database}_migrations")
        ensure_database(url.render_as_string(hide_password=False))
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = make_url(f"sqlite:///{tmp_path / 'migrated.db'}")
    app = create_app(settings_for_tests(database_url=url.render_as_string(hide_password=False)))
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"render_as_batch": True}), db.metadata)
            if conn.dialect.name == "postgresql":  # what the models add beyond tables, the migrations add too
                assert conn.scalar(text("SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_log_append_only'")) == 1
        db.engine.dispose()
    assert diff == []
