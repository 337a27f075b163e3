"""The app's answers checked against the OpenAPI document the app itself publishes."""
from __future__ import annotations

import schemathesis

OPENAPI_PATH = "/api/v1/openapi.json"


def api_schema(app):
    """The published document, loaded by schemathesis so its requests and checks go to the app in-process."""
    return schemathesis.openapi.from_wsgi(OPENAPI_PATH, app)


def assert_documented(app, method: str, path: str, response) -> None:
    """The answer's status, media type and body are those the document gives for this operation."""
    api_schema(app)[path][method.upper()].validate_response(response)
