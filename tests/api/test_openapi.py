"""The published API description matches the app: every /api/v1 route and method is documented."""
from __future__ import annotations

import re

DOC_ENDPOINTS = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui"}


def openapi_path(rule: str) -> str:
    """Flask's /visits/<int:visit_id> is OpenAPI's /visits/{visit_id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def api_routes(app) -> set[tuple[str, str]]:
    return {
        (openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint not in DOC_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_openapi_lists_every_route_of_the_app(app, client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    spec = r.get_json()
    documented = {(path, method) for path, item in spec["paths"].items() for method in item if method != "parameters"}
    routes = api_routes(app)
    assert ("/api/v1/visits/{visit_id}/events", "post") in routes
    assert routes - documented == set()
    assert documented - routes == set()


def test_openapi_documents_request_and_error_bodies(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    event_post = spec["paths"]["/api/v1/visits/{visit_id}/events"]["post"]
    assert event_post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/EventIn")
    assert {"200", "201", "422"} <= set(event_post["responses"])
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert {"VisitUpdate", "ClientUpdatePatch", "WorkerPatch"} <= set(spec["components"]["schemas"])


def test_docs_page_is_served(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    assert r.mimetype == "text/html"
    assert b"/api/v1/openapi.json" in r.data
