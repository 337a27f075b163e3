"""The published JSON Schemas and the API agree: the documented examples pass both, and what the schemas
refuse the API refuses too."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from server.feed.files import JSON_SCHEMAS
from tests.factories import api_client_for
from tests.sessions import headers_for

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "feed-examples"
# In the order a provider's system first sends them: visits name clients and workers, events name visits.
ORDER = ("clients", "workers", "visits", "events")
METHOD = {"clients": "PUT", "workers": "PUT", "visits": "PUT", "events": "POST"}


def schema(name: str) -> dict:
    return json.loads((JSON_SCHEMAS / f"{name}.json").read_text())


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def validator(name: str):
    jsonschema.Draft202012Validator.check_schema(schema(name))
    return jsonschema.Draft202012Validator(schema(name), format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("name", ORDER)
def test_examples_are_valid_against_their_schema(name):
    validator(name).validate(example(name))


def test_the_api_accepts_every_example(client, world):
    made, _ = api_client_for(world.alpha)
    for name in ORDER:
        r = client.open(f"/api/v1/feed/{name}", method=METHOD[name], json=example(name), headers=headers_for(made))
        assert r.status_code == 200, r.get_json()
        statuses = {result["status"] for result in r.get_json()["results"]}
        assert statuses == {"accepted" if name == "events" else "created"}, r.get_json()


BROKEN = [
    ("clients", lambda item: item.pop("contract_reference")),
    ("clients", lambda item: item.update(lat=91)),
    ("workers", lambda item: item.update(name="")),
    ("visits", lambda item: item.update(planned_minutes=0)),
    ("visits", lambda item: item.update(worker_refs=["A", "B", "C", "D", "E"])),
    ("visits", lambda item: item.update(service_code="T1019;DROP")),
    ("visits", lambda item: item.update(service_code="T" * 33)),
    ("visits", lambda item: item.update(visit_type="Sleep In")),
    ("clients", lambda item: item["care_package"].update(service_code="")),
    ("events", lambda item: item.update(kind="teleport")),
    ("events", lambda item: item.update(visit_id=7)),  # and visit_ref: one or the other
    ("events", lambda item: item.pop("worker_ref")),
]


@pytest.mark.parametrize("name,breaks", BROKEN)
def test_what_the_schema_refuses_the_api_refuses(client, world, name, breaks):
    payload = copy.deepcopy(example(name))
    breaks(payload["items"][0])
    assert not validator(name).is_valid(payload)
    made, _ = api_client_for(world.alpha)
    r = client.open(f"/api/v1/feed/{name}", method=METHOD[name], json=payload, headers=headers_for(made))
    result = r.get_json()["results"][0]
    assert result["status"] == "rejected" and result["error"]["code"] == "validation_error", result


@pytest.mark.parametrize("name", ORDER)
def test_schemas_are_published(client, name):
    r = client.get(f"/api/v1/feed/schemas/{name}.json")
    assert r.status_code == 200 and r.mimetype == "application/schema+json"
    assert r.get_json(force=True) == schema(name)


def test_an_unknown_schema_is_not_found(client):
    assert client.get("/api/v1/feed/schemas/secrets.json").status_code == 404
