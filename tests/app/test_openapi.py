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


def test_every_operation_documents_errors_in_the_error_shape(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    components = spec["components"]
    assert components["responses"]["DEFAULT_ERROR"]["content"]["application/json"]["schema"] == \
        {"$ref": "#/components/schemas/Error"}
    assert components["schemas"]["Error"]["required"] == ["error"]
    assert set(components["schemas"]["ErrorDetail"]["required"]) == {"code", "message", "details"}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            assert responses["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}, (method, path)
            assert ("404" in responses) == ("{" in path), (method, path)
            # Login and redeeming a reset link are the operations that take no token.
            assert ("401" in responses) or operation.get("security") == [], (method, path)
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert login["security"] == [] and {"401", "422", "429"} <= set(login["responses"])
    assert "409" in spec["paths"]["/api/v1/alerts/{alert_id}/acknowledge"]["post"]["responses"]
    assert {"413", "415"} <= set(spec["paths"]["/api/v1/invoices"]["post"]["responses"])


def test_real_error_answers_match_the_documented_error(app, client, world):
    """Each way the app fails (token, role, tenancy, input, conflict, media type) validates against the document."""
    from tests.documented import assert_documented
    from tests.sessions import headers_for

    coordinator, officer = headers_for(world.alpha.coordinator), headers_for(world.officer)
    beta_visit = world.beta.visits[0].id
    invoices = f"/api/v1/invoices?contract_id={world.alpha.contract.id}&date_from=2026-11-23&date_to=2026-11-29"
    cases = [
        ("GET", "/api/v1/visits/{visit_id}", f"/api/v1/visits/{beta_visit}", {}, None, 401),
        ("GET", "/api/v1/visits/{visit_id}", f"/api/v1/visits/{beta_visit}",
         {"Authorization": "Bearer not-a-token"}, None, 401),
        ("GET", "/api/v1/visits/{visit_id}", f"/api/v1/visits/{beta_visit}", coordinator, None, 404),
        ("GET", "/api/v1/alerts", "/api/v1/alerts", officer, None, 403),
        ("GET", "/api/v1/visits", "/api/v1/visits?date_from=tomorrow", coordinator, None, 422),
        ("POST", "/api/v1/clients/{client_id}/outcomes", f"/api/v1/clients/{world.alpha.clients[0].id}/outcomes",
         headers_for(world.alpha.admin), {"title": ""}, 422),
        ("POST", "/api/v1/invoices", invoices, headers_for(world.alpha.admin), None, 415),
        ("POST", "/api/v1/auth/login", "/api/v1/auth/login", {}, {"email": "nobody@example.org", "password": "x"}, 401),
    ]
    for method, path, url, headers, body, status in cases:
        response = client.open(url, method=method, headers=headers, json=body)
        assert response.status_code == status, (url, response.get_json())
        assert set(response.get_json()["error"]) == {"code", "message", "details"}
        assert_documented(app, method, path, response)
