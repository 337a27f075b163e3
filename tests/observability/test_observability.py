"""What an operator watches: request ids carried from the answer to the log line and the audit entry, Prometheus
metrics at /metrics (per route template, summed across processes), and JSON log lines free of personal data."""
from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import uuid

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.extensions import db
from server.observability import logs
from tests.factories import HOME
from tests.sessions import headers_for

VISIT_ROUTE = "/api/v1/visits/<int:visit_id>"


def seconds_count(endpoint: str, status: str = "200") -> float:
    return REGISTRY.get_sample_value("caremon_http_request_duration_seconds_count",
                                     {"method": "GET", "endpoint": endpoint, "status": status}) or 0.0


def test_each_answer_carries_a_request_id_and_keeps_a_proxys_own(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first.headers["X-Request-Id"]) == 32 and first.headers["X-Request-Id"] != second.headers["X-Request-Id"]
    assert client.get("/healthz", headers={"X-Request-Id": "lb-7f3a9c21"}).headers["X-Request-Id"] == "lb-7f3a9c21"
    offered = client.get("/healthz", headers={"X-Request-Id": "<script>alert(1)</script>"})
    assert offered.headers["X-Request-Id"] != "<script>alert(1)</script>" and len(offered.headers["X-Request-Id"]) == 32


def test_an_audit_entry_carries_the_request_id_of_its_request(client, world):
    answer = client.post("/api/v1/auth/logout", headers={**headers_for(world.alpha.coordinator),
                                                         "X-Request-Id": "req-logout-0001"})
    assert answer.status_code == 204
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.logout")).one()
    assert entry.request_id == "req-logout-0001"


def test_latency_is_counted_per_route_template_not_per_id(client, world):
    before = seconds_count(VISIT_ROUTE)
    for visit in world.alpha.visits:
        assert client.get(f"/api/v1/visits/{visit.id}", headers=headers_for(world.alpha.coordinator)).status_code == 200
    assert seconds_count(VISIT_ROUTE) == before + 2
    text = client.get("/metrics").get_data(as_text=True)
    assert f'endpoint="{VISIT_ROUTE}"' in text and f"/api/v1/visits/{world.alpha.visits[0].id}" not in text


def test_metrics_need_the_token_when_one_is_set(app, client):
    app.config["CAREMON"]["metrics_token"] = "scrape-secret"
    try:
        refused = client.get("/metrics")
        assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthorized"
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        allowed = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert allowed.status_code == 200 and "caremon_http_request_duration_seconds" in allowed.get_data(as_text=True)
    finally:
        app.config["CAREMON"]["metrics_token"] = ""


def test_sync_items_are_counted_by_result(client, world):
    def counted(result):
        return REGISTRY.get_sample_value("caremon_sync_items_total", {"result": result}) or 0.0

    visit = world.alpha.visits[0]
    item = {"idempotency_key": str(uuid.uuid4()), "type": "visit_event", "visit_id": visit.id, "kind": "check_in",
            "device_time": visit.planned_start.isoformat(), "lat": HOME[0], "lon": HOME[1], "accuracy_m": 10}
    before = {result: counted(result) for result in ("accepted", "duplicate")}
    envelope = {"device_id": "phone-1", "sent_at": visit.planned_start.isoformat(), "items": [item]}
    for _ in range(2):
        answer = client.post("/api/v1/sync/batches", json=envelope, headers=headers_for(world.alpha.worker_users[0]))
        assert answer.status_code == 200, answer.get_json()
    assert counted("accepted") == before["accepted"] + 1 and counted("duplicate") == before["duplicate"] + 1


def test_processes_sum_their_metrics_in_multiprocess_mode(tmp_path):
    """As under gunicorn: two workers answer requests, a third process scrapes, and sees both."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    answer = ("from tests.testdb import settings_for_tests\nfrom server import create_app\n"
              "app = create_app(settings_for_tests())\nweb = app.test_client()\n")
    for _ in range(2):
        subprocess.run([sys.executable, "-c", answer + "for _ in range(3): web.get('/healthz')"], env=env, check=True)
    scraped = subprocess.run([sys.executable, "-c", answer + "print(web.get('/metrics').get_data(as_text=True))"],
                             env=env, check=True, capture_output=True, text=True).stdout
    line = next(line for line in scraped.splitlines()
                if line.startswith("caremon_http_request_duration_seconds_count") and 'endpoint="/healthz"' in line)
    assert line.endswith(" 6.0")


@pytest.fixture
def json_logs():
    saved, stream = (logging.getLogger().handlers[:], logging.getLogger().level), io.StringIO()
    logs.configure("json", stream=stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logging.getLogger().handlers[:], _ = saved
    logging.getLogger().setLevel(saved[1])


def test_log_lines_are_json_with_the_request_id_and_no_personal_data(client, world, json_logs):
    answer = client.post("/api/v1/auth/login", json={"email": "w1@alpha.example", "password": "not-the-password"},
                         headers={"X-Request-Id": "req-login-0001"})
    assert answer.status_code == 401
    line = next(entry for entry in json_logs() if entry.get("message") == "request")
    assert line["request_id"] == "req-login-0001" and line["endpoint"] == "/api/v1/auth/login"
    assert line["status"] == 401 and line["level"] == "INFO" and line["duration_ms"] >= 0
    assert "w1@alpha.example" not in json.dumps(line)
