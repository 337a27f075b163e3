"""A provider admin's CSV import, over HTTP and with `caremon feed import`: the feed's own upserts row by row,
a dry run that stores nothing, and a second import of the same file that changes nothing."""
from __future__ import annotations

import io

import pytest

from server.audit.models import AuditEntry
from server.cli import main
from server.directory.models import Client, Worker
from server.extensions import db
from server.feed.models import ExternalRef
from server.visits.models import Visit
from tests.dbstate import count, snapshot
from tests.factories import api_client_for
from tests.sessions import headers_for

CLIENTS = ("ref,contract_reference,name,address,lat,lon,care_package.weekly_minutes,care_package.starts_on\n"
           "C-1,N-A,Mary Jones,\"3 Fell Road, Kendal\",54.33,-2.75,420,2026-12-01\n"
           "C-2,N-A,Bob Smith,4 Fell Road,54.33,-2.75,,\n"
           "C-3,N-B,Ann Other,5 Fell Road,54.33,-2.75,,\n"
           "C-4,N-A,Sue Park,6 Fell Road,north,-2.75,,\n")
WORKERS = "ref,name\nW-1,Ann Carer\nW-2,Bob Carer\n"
VISITS = ("ref,client_ref,worker_refs,planned_start,planned_minutes,tasks\n"
          "V-1,C-1,W-1,2026-12-04T08:00:00+00:00,30,Breakfast;Medication\n"
          "V-2,C-1,W-1;W-2,2026-12-04T12:30:00+00:00,45,Lunch\n"
          "V-3,C-9,W-1,2026-12-04T18:00:00+00:00,30,\n")


def upload(client, user, kind, text, dry_run=False, as_file=True):
    query = {"kind": kind, "dry_run": "true" if dry_run else "false"}
    if as_file:
        return client.post("/api/v1/feed/import", query_string=query, headers=headers_for(user),
                           data={"file": (io.BytesIO(text.encode()), f"{kind}.csv")},
                           content_type="multipart/form-data")
    return client.post("/api/v1/feed/import", query_string=query, headers=headers_for(user), data=text.encode(),
                       content_type="text/csv")


def outline(report):
    return [(r["line"], r["ref"], r["status"], r.get("error", {}).get("code")) for r in report["results"]]


def test_a_dry_run_reports_every_row_and_stores_nothing(client, world):
    before = snapshot()
    r = upload(client, world.alpha.admin, "clients", CLIENTS, dry_run=True)
    assert r.status_code == 200, r.get_json()
    report = r.get_json()
    assert (report["kind"], report["dry_run"], report["rows"], report["accepted"], report["rejected"]) == (
        "clients", True, 4, 2, 2)
    assert outline(report) == [(2, "C-1", "created", None), (3, "C-2", "created", None),
                               (4, "C-3", "rejected", "validation_error"), (5, "C-4", "rejected", "validation_error")]
    assert report["results"][2]["error"]["details"]["fields"] == {
        "contract_reference": ["Not one of this provider's contracts"]}  # Beta's contract, not Alpha's
    assert "lat" in report["results"][3]["error"]["details"]["fields"]
    assert all(result["id"] is None for result in report["results"])
    assert snapshot() == before


def test_an_import_stores_the_accepted_rows_and_again_changes_nothing(client, world):
    r = upload(client, world.alpha.admin, "clients", CLIENTS)
    report = r.get_json()
    assert (report["accepted"], report["rejected"], report["counts"]) == (2, 2, {"created": 2, "rejected": 2})
    mary = db.session.get(Client, report["results"][0]["id"])
    assert (mary.name, mary.contract_id) == ("Mary Jones", world.alpha.contract.id)
    assert db.session.scalar(db.select(ExternalRef.source_system).where(ExternalRef.record_id == mary.id)) == (
        "CSV import")
    assert db.session.scalar(db.select(AuditEntry.details).where(AuditEntry.action == "feed.import")) == {
        "kind": "clients", "rows": 4, "created": 2, "rejected": 2}

    before = snapshot()
    again = upload(client, world.alpha.admin, "clients", CLIENTS, as_file=False).get_json()
    assert [r["status"] for r in again["results"]] == ["unchanged", "unchanged", "rejected", "rejected"]
    assert snapshot() == before


def test_visits_name_their_client_and_carers_by_the_references_imported_before(client, world):
    upload(client, world.alpha.admin, "clients", CLIENTS)
    upload(client, world.alpha.admin, "workers", WORKERS)
    report = upload(client, world.alpha.admin, "visits", VISITS).get_json()
    assert outline(report) == [(2, "V-1", "created", None), (3, "V-2", "created", None),
                               (4, "V-3", "rejected", "not_found")]
    double = db.session.get(Visit, report["results"][1]["id"])
    assert ([a.worker.name for a in double.assignments], double.tasks, double.carers_required) == (
        ["Ann Carer", "Bob Carer"], ["Lunch"], 2)


def test_another_providers_references_and_contract_are_not_found(client, world):
    """Beta's admin importing rows that name Alpha's contract, client and carers gets every row refused."""
    upload(client, world.alpha.admin, "clients", CLIENTS)
    upload(client, world.alpha.admin, "workers", WORKERS)
    before = snapshot()
    visits = upload(client, world.beta.admin, "visits", VISITS).get_json()
    assert [r["error"]["code"] for r in visits["results"]] == ["not_found"] * 3
    clients = upload(client, world.beta.admin, "clients", CLIENTS.replace("N-B", "N-A")).get_json()
    fields = [r["error"]["details"]["fields"] for r in clients["results"]]
    assert fields[0] == {"contract_reference": ["Not one of this provider's contracts"]}
    assert snapshot() == before


@pytest.mark.parametrize("who", ["coordinator", "council_officer", "api_client"])
def test_only_a_provider_admin_may_import(client, world, who):
    user = {"coordinator": world.alpha.coordinator, "council_officer": world.officer,
            "api_client": api_client_for(world.alpha)[0]}[who]
    before = snapshot()
    r = upload(client, user, "clients", CLIENTS)
    assert (r.status_code, r.get_json()["error"]["code"]) == (403, "forbidden")
    assert snapshot() == before


@pytest.mark.parametrize("query, body, field", [
    ({"kind": "events"}, CLIENTS, "kind"),
    ({}, CLIENTS, "kind"),
    ({"kind": "clients", "dry_run": "perhaps"}, CLIENTS, "dry_run"),
    ({"kind": "clients"}, "", "file"),
    ({"kind": "clients"}, "\xff\xfe", "file"),
    ({"kind": "clients"}, '{"items": 3}', "file"),
])
def test_bad_input_is_422_and_writes_nothing(client, world, query, body, field):
    before = snapshot()
    data = body.encode("latin-1") if body == "\xff\xfe" else body.encode()
    r = client.post("/api/v1/feed/import", query_string=query, headers=headers_for(world.alpha.admin), data=data,
                    content_type="text/csv")
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["error"]["details"]["fields"]
    assert snapshot() == before


def test_a_file_over_the_batch_limit_is_413_and_writes_nothing(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config["CAREMON"], "feed_max_items", 3)
    before = snapshot()
    r = upload(client, world.alpha.admin, "clients", CLIENTS)
    assert (r.status_code, r.get_json()["error"]["details"]) == (413, {"max_items": 3})
    assert snapshot() == before


def test_the_import_is_in_the_openapi_document(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/feed/import"]["post"]
    assert set(operation["requestBody"]["content"]) == {"multipart/form-data", "text/csv"}
    assert {p["name"] for p in operation["parameters"]} == {"kind", "dry_run"}


def test_the_command_imports_for_a_provider_with_a_dry_run_first(app, world, tmp_path):
    path = tmp_path / "workers.csv"
    path.write_text(WORKERS + "W-3,\n")
    run = app.test_cli_runner().invoke
    before = snapshot()
    dry = run(main, ["feed", "import", "--provider", str(world.alpha.provider.id), str(path), "--dry-run"])
    assert dry.exit_code == 1  # a row is rejected
    assert dry.output.splitlines() == [
        "line 2 (W-1): created", "line 3 (W-2): created",
        "line 4 (W-3): rejected: validation_error: "
        "Invalid input {'fields': {'name': ['Missing data for required field.']}}",
        "workers: 3 rows, 2 would be accepted, 1 rejected (dry run: nothing stored)"]
    assert snapshot() == before

    stored = run(main, ["feed", "import", "--provider", str(world.alpha.provider.id), str(path)])
    assert stored.output.splitlines()[-1] == "workers: 3 rows, 2 accepted, 1 rejected"
    db.session.expire_all()
    assert count(Worker) == 6 + 2
    before = snapshot()
    again = run(main, ["feed", "import", "--provider", str(world.alpha.provider.id), str(path)])
    assert again.output.splitlines()[:2] == ["line 2 (W-1): unchanged", "line 3 (W-2): unchanged"]
    assert snapshot() == before

    path.write_text(WORKERS)
    assert run(main, ["feed", "import", "--provider", str(world.alpha.provider.id), str(path)]).exit_code == 0
    unknown = run(main, ["feed", "import", "--provider", "999999", str(path)])
    assert unknown.exit_code == 1 and "No provider 999999" in unknown.output
