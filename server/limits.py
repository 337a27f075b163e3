"""What a request may carry: a bounded body, JSON the decoder can follow, and path ids a key can hold.

Each bound is checked before any login or parsing work, so an oversized or hostile request costs the
server little and is answered in the error shape: 413 for a body over max_request_bytes (with or without
a Content-Length), 400 for JSON nested too deeply to decode, 404 for a path id outside 1..2**63-1.
"""
from __future__ import annotations

import re

from flask import Flask, current_app, request
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from server.errors import ApiError, error_body
from server.i18n import _
from server.schemas import MAX_KEY

# Deeper than any body the API takes (a sync batch is three levels), shallower than the decoder's recursion.
MAX_JSON_DEPTH = 100
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def init_app(app: Flask) -> None:
    # Before the blueprints: their <int:...> rules take the converter when they are added.
    app.url_map.converters["int"] = IdConverter
    app.before_request(_bound_body)
    app.register_error_handler(RecursionError, _too_deep)


class IdConverter(IntegerConverter):
    """Every <int:...> path id: 1 to the largest 64-bit key. Any other number is not found, like an id nobody
    holds, rather than an error from the database (or from int() on 5,000 digits). It raises NotFound instead
    of declining the match: werkzeug would answer 405 for a path that another method's rule also fits."""

    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, **{"min": 1, "max": MAX_KEY, **kwargs})  # the range, as OpenAPI shows it

    def to_python(self, value: str) -> int:
        if len(value) > len(str(MAX_KEY)) or not 1 <= int(value) <= MAX_KEY:
            raise NotFound()
        return int(value)


def allow_body(max_bytes: int):
    """Lets one view take a body larger than max_request_bytes (an invoice file)."""

    def decorator(view):
        view.max_request_bytes = max_bytes
        return view

    return decorator


def _bound_body() -> None:
    view = current_app.view_functions.get(request.endpoint)
    limit = getattr(view, "max_request_bytes", None) or current_app.config["MAX_CONTENT_LENGTH"]
    request.max_content_length = limit  # werkzeug stops any read of the body there
    if request.content_length is not None:
        if request.content_length > limit:
            raise _too_large(limit)
        return
    # A chunked body states no length: read it now, so the answer comes before the login. werkzeug stops
    # reading at the limit without a word, so one byte more left unread means the body was larger.
    if len(request.get_data(cache=True)) >= limit and request.environ["wsgi.input"].read(1):
        raise _too_large(limit)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "payload_too_large", _("The request body is larger than %(limit)s bytes", limit=limit),
                    {"max_bytes": limit})


def _too_deep(exc: RecursionError):
    """The JSON decoder recurses once per level: a body nested that deep is the client's error. Any other
    recursion is the server's, and stays a 500."""
    if not _nested_deeper_than(request.get_data(cache=True), MAX_JSON_DEPTH):
        raise exc
    return error_body(400, "bad_request", f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep",
                      {"max_depth": MAX_JSON_DEPTH})


def _nested_deeper_than(body: bytes, limit: int) -> bool:
    depth = 0
    for byte in _JSON_STRING.sub(b"", body):  # brackets inside strings do not nest
        if byte in b"[{":
            depth += 1
            if depth > limit:
                return True
        elif byte in b"]}":
            depth -= 1
    return False
