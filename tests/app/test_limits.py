"""What a request may carry: bodies over max_request_bytes are a 413 before any other work, with or without a
Content-Length; JSON too deep to decode is a 400; out-of-range path ids are a 404; every input is bounded."""
from __future__ import annotations

import io
import json
import re
import uuid

import pytest
import requests
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from server.schemas import MAX_KEY
from server.visits.models import VisitEvent
from tests.dbstate import count, snapshot
from tests.factories import HOME
from tests.sessions import headers_for

TEN_MB = 10 * 1024 * 1024


def login(client, body: bytes, **kwargs):
    return client.post("/api/v1/auth/login", data=body, content_type="application/json", **kwargs)


def chunked(client, url: str, body: bytes, headers: dict | None = None):
    """A body as a server that decodes Transfer-Encoding: chunked hands it on: no Content-Length, and the
    stream marked as ending by itself (gunicorn and werkzeug's server both set wsgi.input_terminated)."""
    environ = EnvironBuilder(path=url, method="POST", data=body, content_type="application/json",
                             headers={"Transfer-Encoding": "chunked", **(headers or {})}).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    return client.open(Request(environ))  # a request is sent as it is; a builder would measure the body


def assert_error(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.get_data(as_text=True)[:300]
    error = r.get_json()["error"]
    assert error["code"] == code and error["message"]
    return error


# --- Bounded bodies ------------------------------------------------------------------------------------------

def test_a_10_mb_body_is_413_before_the_login_check(client, world, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = b'{"email": "' + b"x" * TEN_MB + b'"}'
    before = snapshot()
    error = assert_error(login(client, body), 413, "payload_too_large")
    assert error["details"] == {"max_bytes": limit}
    visit_events = f"/api/v1/visits/{world.alpha.visits[0].id}/events"
    # Without a token: still 413, not 401; and with one, the same.
    assert_error(client.post(visit_events, data=body, content_type="application/json"), 413, "payload_too_large")
    assert_error(client.post(visit_events, data=body, content_type="application/json",
                             headers=headers_for(world.alpha.worker_users[0])), 413, "payload_too_large")
    assert_error(client.post("/api/v1/no-such-route", data=body), 413, "payload_too_large")
    assert snapshot() == before


def test_a_chunked_body_without_a_length_is_bounded_too(client, world):
    body = b'{"email": "' + b"x" * TEN_MB + b'"}'
    before = snapshot()
    assert_error(chunked(client, "/api/v1/auth/login", body), 413, "payload_too_large")
    assert_error(chunked(client, f"/api/v1/visits/{world.alpha.visits[0].id}/events", body), 413, "payload_too_large")
    assert snapshot() == before
    # A small chunked body is read as usual: a wrong password, not an empty body.
    small = json.dumps({"email": world.alpha.coordinator.email, "password": "not the password"}).encode()
    assert_error(chunked(client, "/api/v1/auth/login", small), 401, "invalid_credentials")


def test_a_real_server_bounds_a_chunked_body(monkeypatch):
    from tests.servers import Server

    monkeypatch.setenv("CAREMON_MAX_REQUEST_BYTES", "4096")
    server = Server()
    try:
        def body(size):
            yield b'{"email": "'
            for _ in range(size // 1024):
                yield b"x" * 1024
            yield b'", "password": "x"}'

        r = requests.post(f"{server.url}/api/v1/auth/login", data=body(64 * 1024), timeout=10,
                          headers={"Content-Type": "application/json"})
        assert (r.status_code, r.json()["error"]["code"]) == (413, "payload_too_large")
        assert r.json()["error"]["details"] == {"max_bytes": 4096}
        r = requests.post(f"{server.url}/api/v1/auth/login", data=body(1024), timeout=10,
                          headers={"Content-Type": "application/json"})
        assert r.status_code == 422  # read whole: the e-mail address is checked, and refused
    finally:
        server.kill()


def test_a_sync_batch_over_its_own_limit_still_gets_the_split_hint(client, world, app):
    settings = app.config["CAREMON"]
    assert settings["sync_max_bytes"] < app.config["MAX_CONTENT_LENGTH"]
    body = b'{"items": ["' + b"x" * (settings["sync_max_bytes"] + 1) + b'"]}'
    r = client.post("/api/v1/sync/batches", data=body, content_type="application/json",
                    headers=headers_for(world.alpha.worker_users[0]))
    error = assert_error(r, 413, "batch_too_large")
    assert error["details"] == {"max_items": settings["sync_max_items"], "max_bytes": settings["sync_max_bytes"]}


def test_an_invoice_file_may_be_larger_than_other_bodies(client, world, app):
    from server.payments.reconciliation import MAX_BYTES

    visit = world.alpha.visits[0]
    line = f"{visit.id},2026-11-23,30,12.50,{'d' * 2000}\n".encode()
    body = b"visit_id,date,minutes,amount,description\n" + line * (app.config["MAX_CONTENT_LENGTH"] // len(line) + 1)
    assert app.config["MAX_CONTENT_LENGTH"] < len(body) < MAX_BYTES
    query = {"contract_id": world.alpha.contract.id, "date_from": "2026-11-23", "date_to": "2026-11-29"}
    headers = headers_for(world.alpha.admin)
    r = client.post("/api/v1/invoices", query_string=query, data=body, content_type="text/csv", headers=headers)
    assert r.status_code == 201, r.get_json()
    r = client.post("/api/v1/invoices", query_string=query, data={"file": (io.BytesIO(body), "big.csv")},
                    content_type="multipart/form-data", headers=headers)
    assert r.status_code == 201, r.get_json()
    too_big = b"x" * (MAX_BYTES + 128 * 1024)
    assert_error(client.post("/api/v1/invoices", query_string=query, data=too_big, content_type="text/csv"),
                 413, "payload_too_large")


# --- JSON nesting --------------------------------------------------------------------------------------------

DEEP_BODIES = {"lists": b"[" * 100_000, "objects": b'{"a": ' * 100_000, "closed": b"[" * 100_000 + b"]" * 100_000}


@pytest.mark.parametrize("shape", DEEP_BODIES)
def test_json_nested_too_deep_is_400_on_every_kind_of_endpoint(client, world, shape):
    body = DEEP_BODIES[shape]
    worker = headers_for(world.alpha.worker_users[0])
    before = snapshot()
    for url, headers in [("/api/v1/auth/login", {}), (f"/api/v1/visits/{world.alpha.visits[0].id}/events", worker),
                         ("/api/v1/sync/batches", worker),
                         ("/api/v1/notify/preferences", headers_for(world.alpha.family))]:
        r = client.open(url, method="PUT" if "preferences" in url else "POST", data=body,
                        content_type="application/json", headers=headers)
        error = assert_error(r, 400, "bad_request")
        assert error["details"] == {"max_depth": 100}, url
    assert snapshot() == before


def test_brackets_inside_strings_are_not_nesting(client, world):
    """A deep body with many brackets in a text is refused for its depth, and a flat one with them is read."""
    text = "[{" * 1500
    event = {"idempotency_key": str(uuid.uuid4()), "kind": "note", "device_time": world.start.isoformat(),
             "lat": HOME[0], "lon": HOME[1], "accuracy_m": 10.0, "text": text}
    r = client.post(f"/api/v1/visits/{world.alpha.visits[0].id}/events", json=event,
                    headers=headers_for(world.alpha.worker_users[0]))
    assert r.status_code == 201, r.get_json()
    assert count(VisitEvent) == 1


def test_a_recursion_of_the_servers_own_stays_a_500():
    """Only the decoder's recursion on a deep body is the client's fault."""
    from server import create_app
    from tests.testdb import settings_for_tests

    app = create_app(settings_for_tests())

    @app.post("/api/v1/recurse")
    def recurse():
        def down(n):
            return down(n + 1)
        return down(0)

    r = app.test_client().post("/api/v1/recurse", json={"flat": True})
    assert r.status_code == 500


# --- Path ids ------------------------------------------------------------------------------------------------

OUT_OF_RANGE = ["0", "-1", str(MAX_KEY + 1), "99999999999999999999", "9" * 5000]


def id_rules(app):
    rules = [rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule]
    assert len(rules) > 20  # every API domain has some
    return rules


def test_every_path_id_out_of_range_is_404_in_the_error_shape(app, client, world):
    users = [world.alpha.coordinator, world.alpha.admin, world.officer, world.alpha.family, world.alpha.worker_users[0]]
    before = snapshot()
    for rule in id_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for bad in OUT_OF_RANGE:
                url = re.sub(r"<int:\w+>", bad, rule.rule)
                for user in users[:1] if bad != "0" else users:
                    r = client.open(url, method=method, json={}, headers=headers_for(user))
                    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "not_found"), (method, url)
            # The id in range around the bad ones still reaches the view.
            url = re.sub(r"<int:\w+>", str(MAX_KEY), rule.rule)
            assert client.open(url, method=method, json={}, headers=headers_for(users[0])).status_code != 500
    assert snapshot() == before


def test_path_ids_are_documented_with_their_range(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    ids = [p for path in spec["paths"].values() for op in path.values() if isinstance(op, dict)
           for p in op.get("parameters", []) if p["in"] == "path"]
    ids += [p for path in spec["paths"].values() for p in path.get("parameters", []) if p["in"] == "path"]
    assert ids
    assert all(p["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_KEY} for p in ids), ids


# --- Every input bounded -------------------------------------------------------------------------------------

def _anchored_and_finite(pattern: str) -> bool:
    return pattern.startswith("^") and pattern.endswith("$") and not re.search(r"[*+]|\{\d+,\}", pattern)


def _unbounded(schema: dict, spec: dict, where: str, seen: set) -> list[str]:
    """Arrays without maxItems and texts without a maximum length, enum, fixed format or closed pattern."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        return _unbounded(spec["components"]["schemas"][name], spec, where, seen | {name})
    if schema.get("readOnly"):
        return []
    found = []
    kind = schema.get("type")
    if kind == "array":
        if "maxItems" not in schema:
            found.append(where)
        found += _unbounded(schema.get("items", {}), spec, f"{where}[]", seen)
    elif kind == "string" and not ("maxLength" in schema or "enum" in schema
                                   or schema.get("format") in ("date", "date-time", "uuid")
                                   or _anchored_and_finite(schema.get("pattern", ""))):
        found.append(where)
    for name, prop in schema.get("properties", {}).items():
        found += _unbounded(prop, spec, f"{where}.{name}", seen)
    return found


def test_every_list_and_text_an_operation_takes_has_a_documented_maximum(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    unbounded = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict):
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                unbounded += _unbounded(body["schema"], spec, f"{method.upper()} {path} body", set())
            for p in op.get("parameters", []):
                if p["in"] == "query":
                    unbounded += _unbounded(p["schema"], spec, f"{method.upper()} {path} ?{p['name']}", set())
    # A batch's length is a setting, answered 413 so the sender splits it: its description gives the maximum.
    feed = [f"PUT /api/v1/feed/{kind} body.items" for kind in ("clients", "workers", "visits")]
    assert sorted(unbounded) == sorted(["POST /api/v1/sync/batches body.items", "POST /api/v1/feed/events body.items",
                                        *feed])
    items = spec["components"]["schemas"]["Envelope"]["properties"]["items"]
    assert "sync_max_items" in items["description"]
    assert "feed_max_items" in spec["components"]["schemas"]["FeedBatch"]["properties"]["items"]["description"]


# --- Not cached ----------------------------------------------------------------------------------------------

def test_no_api_answer_may_be_stored_by_a_cache(client, world):
    coordinator, worker = headers_for(world.alpha.coordinator), headers_for(world.alpha.worker_users[0])
    visit = world.alpha.visits[0]
    answers = [
        client.get("/api/v1/visits", headers=coordinator),  # 200
        client.get(f"/api/v1/visits/{visit.id}", headers=coordinator),
        client.get(f"/api/v1/clients/{world.alpha.clients[0].id}", headers=coordinator),
        client.get("/api/v1/run", headers=worker),
        client.get("/api/v1/openapi.json"),
        login(client, json.dumps({"email": world.alpha.coordinator.email, "password": "wrong"}).encode()),  # 401
        client.get("/api/v1/visits"),  # 401 without a token
        client.get(f"/api/v1/visits/{visit.id + 1000}", headers=coordinator),  # 404 from the view
        client.get("/api/v1/no-such-thing"),  # 404 from routing
        client.get(f"/api/v1/visits/{MAX_KEY + 1}", headers=coordinator),
        client.delete(f"/api/v1/visits/{visit.id}", headers=coordinator),  # 405
        client.post("/api/v1/visits", json={}, headers=coordinator),  # 422
        client.post("/api/v1/visits", json={}, headers=worker),  # 403
        login(client, b"[" * 100_000),  # 400
        login(client, b"x" * TEN_MB),  # 413
    ]
    assert len({r.status_code for r in answers}) >= 8
    for r in answers:
        assert r.headers["Cache-Control"] == "no-store", (r.status_code, r.request.path)
    # The app's own files stay cacheable (revalidated), as the service worker expects.
    assert client.get("/").headers["Cache-Control"] == "no-cache"
