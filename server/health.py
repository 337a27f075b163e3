"""Probes for operators and load balancers: /healthz says the process answers, /readyz that it can serve.

Both sit outside /api/v1 and its authentication. /readyz fails (503, in the usual error shape) while the
database cannot be reached or its schema is not at the migrations' head, as after a deploy whose
`caremon db upgrade` has not run yet.
"""
from __future__ import annotations

from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint

from server import MIGRATIONS_DIR
from server.errors import ApiError
from server.extensions import db
from server.i18n import _

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Alive: answers without touching the database, so a database outage does not restart web workers."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current != _heads():
        raise ApiError(503, "migrations_pending", _("The database schema is not at the latest migration"),
                       {"current": sorted(current), "head": sorted(_heads())})
    return {"status": "ready", "revision": sorted(current)}


@cache
def _heads() -> set[str]:
    """The migrations shipped with this code: they do not change while it runs."""
    return set(ScriptDirectory(MIGRATIONS_DIR).get_heads())
