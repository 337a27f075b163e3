"""Structured logs: one JSON object a line (python-json-logger) carrying the request id.

Lines name records by id, never by name, address, phone number or email: personal data stays in the database.
"""
from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from server.observability.context import request_id

FIELDS = "{asctime}{levelname}{name}{message}"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


def configure(fmt: str = "json", level: int = logging.INFO, stream=None) -> None:
    """Log to stderr (or stream) as JSON (`fmt="json"`, for collectors) or as plain text (for a terminal)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter(FIELDS, style="{", rename_fields={"asctime": "time", "levelname": "level"}))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
