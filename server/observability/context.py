"""The request id of the work in hand, readable from services without Flask (the audit log records it)."""
from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

_REQUEST_ID: ContextVar[str | None] = ContextVar("caremon_request_id", default=None)
# A caller's own id (a load balancer's X-Request-Id) is kept when it is plainly an id, never arbitrary text.
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id() -> str | None:
    return _REQUEST_ID.get()


def begin(offered: str | None = None):
    """Start a unit of work under the offered id, or a new one; returns the token to end it with."""
    return _REQUEST_ID.set(offered if offered and _ACCEPTABLE.fullmatch(offered) else uuid.uuid4().hex)


def end(token) -> None:
    _REQUEST_ID.reset(token)
