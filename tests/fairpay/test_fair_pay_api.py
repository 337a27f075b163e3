"""The fair-pay report and a care worker's day record over HTTP, on data written out visit by visit.

The arithmetic itself is worked by hand in test_days_cases.py; here the figures come back through the
database (both SQLite and PostgreSQL), the payment engine's minutes, the shared travel model, the tenancy
rules and the CSV and PDF downloads. Rule set actual-by-minute: actual minutes, capped at planned + 15.
"""
from __future__ import annotations

import csv
import io
import re
import uuid
import zlib
from types import SimpleNamespace

import pytest

from server.config import load_settings
from server.directory.models import Council
from server.extensions import db
from server.travel import travel_model
from server.visits.models import VisitEvent
from tests.builders import at, carer, setting, visit
from tests.factories import add, client_for, user
from tests.sessions import headers_for

A, B = (54.30, -2.70), (54.31, -2.71)
URL = "/api/v1/reports/fair-pay"
RECORD = "/api/v1/workers/me/day-record"


def travel_minutes(a, b) -> int:
    """The shared travel model's estimate, to the nearest minute, as the report rounds it."""
    return (travel_model(load_settings()).seconds(a, b) + 30) // 60


def done(v, s, v_at: str, worker, check_in: str, check_out: str, tasks=()):
    """The carer's times at a visit, and the tasks they ticked."""
    carer(v, worker, check_in, check_out)
    for task in tasks:
        add(VisitEvent(idempotency_key=str(uuid.uuid4()), payload_hash="0" * 64, visit_id=v.id, worker_id=worker.id,
                       kind="task_done", device_time=at(v_at), received_at=at(v_at), payload={"task": task}))


@pytest.fixture
def fp(app):
    """Acme (council Northshire) pays 1200p/h, not travel. Its worker 1 works a night run on Monday 23 November
    from 22:30 to 01:00 across three visits (A, B with a partner, A again); Beta's carer works Monday
    morning under the same council; Gamma is another council's provider."""
    north = add(Council(name="Northshire", timezone="Europe/London"))
    acme, beta = setting("Acme", north), setting("Beta", north)
    gamma = setting("Gamma")
    acme.provider.hourly_rate_minor = 1200
    acme.workers[0].staff_ref = "AC-001"
    home_a = client_for(acme.contract, "Ada", *A)
    home_b = client_for(acme.contract, "Bob", *B)
    v1 = visit(home_a, "2026-11-23 22:30", 45, status="completed")
    done(
        v1, acme, "2026-11-23 22:40", acme.workers[0], "2026-11-23 22:30", "2026-11-23 23:15", tasks=("Supper", "Meds")
    )
    v2 = visit(home_b, "2026-11-23 23:30", 45, status="completed")
    done(v2, acme, "2026-11-23 23:40", acme.workers[0], "2026-11-23 23:30", "2026-11-24 00:15")
    carer(v2, acme.workers[1], "2026-11-23 23:33", "2026-11-24 00:14")  # the double-up partner
    v3 = visit(home_a, "2026-11-24 00:30", 30, status="completed")
    done(v3, acme, "2026-11-24 00:40", acme.workers[0], "2026-11-24 00:30", "2026-11-24 01:00")
    # Clocks go back at 02:00 BST on Sunday 25 October: 00:50 BST to 01:20 GMT is 90 real minutes
    dst = visit(home_a, "2026-10-25 00:50", 30, status="completed")
    done(dst, acme, "2026-10-25 00:55", acme.workers[0], "2026-10-25 00:50", "2026-10-25 01:20+00:00")
    beta_home = client_for(beta.contract, "Cy", *A)
    done(visit(beta_home, "2026-11-23 09:00", 60, status="completed"), beta, "2026-11-23 09:10", beta.workers[0],
         "2026-11-23 09:00", "2026-11-23 10:00")
    gamma_home = client_for(gamma.contract, "Di", *A)
    done(visit(gamma_home, "2026-11-23 09:00", 30, status="completed"), gamma, "2026-11-23 09:10", gamma.workers[0],
         "2026-11-23 09:00", "2026-11-23 09:30")
    people = SimpleNamespace(
        acme=acme, beta=beta, gamma=gamma, home_a=home_a, home_b=home_b, v1=v1, v2=v2, v3=v3,
        officer=user("officer@north.example", "council_officer", council_id=north.id),
        south_officer=user("officer@south.example", "council_officer", council_id=gamma.council.id),
        admin=user("admin@acme.example", "provider_admin", provider_id=acme.provider.id),
        beta_admin=user("admin@beta.example", "provider_admin", provider_id=beta.provider.id),
        coordinator=acme.recorder,
        worker=user("w1@acme.example", "worker", worker_id=acme.workers[0].id, provider_id=acme.provider.id),
        partner=user("w2@acme.example", "worker", worker_id=acme.workers[1].id, provider_id=acme.provider.id),
    )
    db.session.commit()
    return people


def report(client, who, date_from="2026-11-23", date_to="2026-11-24", **query):
    r = client.get(URL, query_string={"date_from": date_from, "date_to": date_to, **query}, headers=headers_for(who))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def row_of(body, worker):
    rows = [r for r in body["rows"] if r["worker_id"] == worker.id]
    assert len(rows) == 1, rows
    return rows[0]


def test_the_night_run_is_one_day_on_the_date_it_started(client, fp):
    body = report(client, fp.officer)
    t = travel_minutes(A, B)
    assert 0 < t < 15
    row = row_of(body, fp.acme.workers[0])
    # 45 + 45 + 30 contact; A->B and B->A travel, the rest of the two 15-minute gaps waiting; 22:30 to 01:00
    assert row["date"] == "2026-11-23"
    assert (row["visits"], row["runs"], row["contact_minutes"], row["travel_minutes"], row["waiting_minutes"],
            row["working_minutes"], row["paid_minutes"]) == (3, 1, 120, 2 * t, 30 - 2 * t, 150, 120)
    # 120 paid minutes x 1200p/h = 2400p over 150 minutes = 960p/h, below the 1271p/h of November 2026
    assert (row["hourly_rate_minor"], row["pay_minor"], row["effective_hourly_minor"], row["minimum_hourly_minor"],
            row["below_minimum"]) == (1200, 2400, 960, 1271, True)
    assert (row["worker_name"], row["staff_ref"]) == (None, "AC-001")  # officers see staff references
    # the partner, 23:33 to 00:14: 41 minutes paid at Acme's rate, 820p, exactly 1200p/h
    partner = row_of(body, fp.acme.workers[1])
    assert (partner["working_minutes"], partner["pay_minor"], partner["effective_hourly_minor"]) == (41, 820, 1200)
    # Beta has recorded no rate: figures, but no verdict
    beta = row_of(body, fp.beta.workers[0])
    assert (beta["working_minutes"], beta["pay_minor"], beta["below_minimum"]) == (60, None, None)


def test_a_period_starting_after_midnight_leaves_the_run_to_its_day(client, fp):
    body = report(client, fp.officer, date_from="2026-11-24", date_to="2026-11-24")
    assert [r for r in body["rows"] if r["provider_id"] == fp.acme.provider.id] == []


def test_working_time_across_the_autumn_clock_change_is_real_elapsed_time(client, fp):
    row = row_of(report(client, fp.admin, date_from="2026-10-25", date_to="2026-10-25"), fp.acme.workers[0])
    # 00:50 BST (23:50 UTC) to 01:20 GMT (01:20 UTC): 90 minutes, though the wall clock says 30;
    # paid 90 capped at planned 30 + 15 = 45; the October minimum (1271 from April 2026)
    assert (row["date"], row["contact_minutes"], row["working_minutes"], row["paid_minutes"]) == (
        "2026-10-25",
        90,
        90,
        45,
    )
    assert (row["pay_minor"], row["effective_hourly_minor"], row["below_minimum"]) == (900, 600, True)


def test_carers_providers_and_totals_add_up(client, fp):
    body = report(client, fp.officer)
    acme = next(p for p in body["providers"] if p["provider_id"] == fp.acme.provider.id)
    assert (acme["carers"], acme["days"], acme["working_minutes"], acme["paid_minutes"]) == (2, 2, 191, 120 + 41)
    # 2400 + 820 = 3220p over 191 minutes = 1011.52 -> 1012p/h
    assert (acme["pay_minor"], acme["effective_hourly_minor"], acme["days_below"], acme["below_minimum"]) == (
        3220, 1012, 2, True)
    # Beta's pay is unknown, so everyone's is too
    assert body["totals"]["pay_minor"] is None and body["totals"]["days"] == 3
    carer_1 = next(c for c in body["carers"] if c["worker_id"] == fp.acme.workers[0].id)
    assert (carer_1["days"], carer_1["days_below"], carer_1["pay_minor"], carer_1["below_minimum"]) == (
        1,
        1,
        2400,
        True,
    )
    assert body["totals"]["carers"] == 3
    assert body["totals"]["working_minutes"] == sum(r["working_minutes"] for r in body["rows"])


def test_provider_admin_sees_own_carers_by_name_only(client, fp):
    body = report(client, fp.admin)
    assert {r["provider_id"] for r in body["rows"]} == {fp.acme.provider.id}
    assert row_of(body, fp.acme.workers[0])["worker_name"] == "Acme Worker 1"
    beta = report(client, fp.beta_admin)
    assert {r["worker_id"] for r in beta["rows"]} == {fp.beta.workers[0].id}


def test_a_council_officer_sees_only_the_providers_of_its_contracts(client, fp):
    north = report(client, fp.officer)
    assert {r["provider_id"] for r in north["rows"]} == {fp.acme.provider.id, fp.beta.provider.id}
    south = report(client, fp.south_officer)
    assert {r["provider_id"] for r in south["rows"]} == {fp.gamma.provider.id}


@pytest.mark.parametrize("who, query", [
    ("beta_admin", lambda fp: {"provider_id": fp.acme.provider.id}),
    ("beta_admin", lambda fp: {"contract_id": fp.acme.contract.id}),
    ("south_officer", lambda fp: {"provider_id": fp.acme.provider.id}),
    ("south_officer", lambda fp: {"contract_id": fp.acme.contract.id}),
])
def test_another_tenants_provider_or_contract_is_not_found(client, fp, who, query):
    r = client.get(URL, query_string={"date_from": "2026-11-23", "date_to": "2026-11-24", **query(fp)},
                   headers=headers_for(getattr(fp, who)))
    assert r.status_code == 404, r.get_json()


@pytest.mark.parametrize("who", ["coordinator", "worker"])
def test_other_roles_cannot_use_the_report(client, fp, who):
    r = client.get(URL, query_string={"date_from": "2026-11-23", "date_to": "2026-11-24"},
                   headers=headers_for(getattr(fp, who)))
    assert r.status_code == 403


@pytest.mark.parametrize("query, field", [
    ({"date_from": "2026-11-24", "date_to": "2026-11-23"}, "date_to"),
    ({"date_from": "2026-01-01", "date_to": "2026-03-04"}, "date_to"),
    ({"date_from": "2026-11-23"}, "date_to"),
    ({"date_from": "2026-11-23", "date_to": "2026-11-24", "format": "xml"}, "format"),
])
def test_bad_queries_are_refused_naming_the_field(client, fp, query, field):
    r = client.get(URL, query_string=query, headers=headers_for(fp.officer))
    assert r.status_code == 422
    assert field in str(r.get_json()["error"]["details"])


def test_csv_has_days_then_carers_providers_and_the_total(client, fp):
    r = client.get(URL, query_string={"date_from": "2026-11-23", "date_to": "2026-11-24", "format": "csv"},
                   headers=headers_for(fp.admin))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "caremon-fair-pay-2026-11-23-2026-11-24.csv" in r.headers["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [line["row_kind"] for line in lines] == ["day", "day", "carer", "carer", "provider", "total"]
    night = next(line for line in lines if line["row_kind"] == "day" and line["worker_name"] == "Acme Worker 1")
    assert (night["date"], night["working_minutes"], night["pay_minor"], night["below_minimum"]) == (
        "2026-11-23", "150", "2400", "yes")


def test_pay_rates_are_set_by_the_provider_admin(client, fp):
    h = headers_for(fp.admin)
    r = client.patch(f"/api/v1/providers/{fp.acme.provider.id}", json={"hourly_rate_minor": 1300, "pays_travel": True},
                     headers=h)
    assert r.status_code == 200 and (r.get_json()["hourly_rate_minor"], r.get_json()["pays_travel"]) == (1300, True)
    r = client.patch(f"/api/v1/workers/{fp.acme.workers[1].id}", json={"hourly_rate_minor": 1500}, headers=h)
    assert r.status_code == 200 and r.get_json()["hourly_rate_minor"] == 1500
    body = report(client, fp.admin)
    t = travel_minutes(A, B)
    # (120 paid + travel) x 1300 / 60, rounded half-up; the partner 41 x 1500 / 60 = 1025
    assert row_of(body, fp.acme.workers[0])["pay_minor"] == ((120 + 2 * t) * 1300 * 2 + 60) // 120
    assert row_of(body, fp.acme.workers[1])["pay_minor"] == 1025
    for bad in ({"hourly_rate_minor": -1}, {"hourly_rate_minor": 12.5}, {"hourly_rate_minor": 100001},
                {"hourly_rate_minor": "1300"}):
        r = client.patch(f"/api/v1/workers/{fp.acme.workers[1].id}", json={**bad, "name": "Renamed"}, headers=h)
        assert r.status_code == 422 and "hourly_rate_minor" in r.get_json()["error"]["details"]["fields"]
    db.session.expire_all()
    assert (fp.acme.workers[1].hourly_rate_minor, fp.acme.workers[1].name) == (1500, "Acme Worker 2")  # nothing written


def test_a_worker_reads_their_own_day(client, fp):
    r = client.get(RECORD, query_string={"date": "2026-11-23"}, headers=headers_for(fp.worker))
    assert r.status_code == 200, r.get_json()
    day = r.get_json()
    t = travel_minutes(A, B)
    assert [
        (
            v["visit_id"],
            v["client_name"],
            v["minutes"],
            v["paid_minutes"],
            v["travel_before_minutes"],
            v["waiting_before_minutes"],
        )
        for v in day["visits"]
    ] == [
        (fp.v1.id, "Ada", 45, 45, None, None),
        (fp.v2.id, "Bob", 45, 45, t, 15 - t),
        (fp.v3.id, "Ada", 30, 30, t, 15 - t),
    ]
    first = day["visits"][0]
    assert (first["address"], first["check_in"], first["tasks_done"]) == (
        "1 Ada Street, Kendal", "2026-11-23T22:30:00+00:00", ["Supper", "Meds"])
    assert (day["summary"]["working_minutes"], day["summary"]["pay_minor"], day["summary"]["below_minimum"]) == (
        150, 2400, True)
    assert "Acme Worker 2" not in r.get_data(as_text=True)  # nothing of the double-up partner


def test_the_partner_sees_only_their_own_visit(client, fp):
    day = client.get(RECORD, query_string={"date": "2026-11-23"}, headers=headers_for(fp.partner)).get_json()
    assert [(v["visit_id"], v["check_in"]) for v in day["visits"]] == [(fp.v2.id, "2026-11-23T23:33:00+00:00")]
    assert day["visits"][0]["tasks_done"] == []  # worker 1 ticked the tasks there, not them


def test_the_day_after_a_night_run_is_empty(client, fp):
    day = client.get(RECORD, query_string={"date": "2026-11-24"}, headers=headers_for(fp.worker)).get_json()
    assert day["visits"] == [] and day["summary"]["working_minutes"] == 0


def test_the_day_record_downloads_as_csv_and_pdf(client, fp):
    h = headers_for(fp.worker)
    r = client.get(RECORD, query_string={"date": "2026-11-23", "format": "csv"}, headers=h)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    text = r.get_data(as_text=True)
    assert text.startswith("visit_id,client_name,address") and "Ada" in text and "working_minutes,150" in text
    r = client.get(RECORD, query_string={"date": "2026-11-23", "format": "pdf"}, headers=h)
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    assert 'filename="caremon-day-2026-11-23.pdf"' in r.headers["Content-Disposition"]


@pytest.mark.parametrize("who", ["admin", "officer", "coordinator"])
def test_only_care_workers_have_a_day_record(client, fp, who):
    r = client.get(RECORD, query_string={"date": "2026-11-23"}, headers=headers_for(getattr(fp, who)))
    assert r.status_code == 403


@pytest.mark.parametrize("query", [{}, {"date": "23/11/2026"}, {"date": "2026-11-23", "format": "xlsx"}])
def test_a_bad_day_record_query_is_refused(client, fp, query):
    assert client.get(RECORD, query_string=query, headers=headers_for(fp.worker)).status_code == 422


def _pdf_text(data: bytes) -> str:
    """The PDF's page text: fpdf2 writes each page as one zlib stream."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S)
    return "".join(zlib.decompress(s).decode("latin-1") for s in streams if s.startswith(b"x"))


def test_the_day_record_pdf_is_in_the_workers_language(client, fp):
    fp.worker.language = "cy"
    db.session.commit()
    r = client.get(RECORD, query_string={"date": "2026-11-23", "format": "pdf"}, headers=headers_for(fp.worker))
    text = _pdf_text(r.data)
    assert "Cofnod diwrnod" in text and "Dydd Llun" in text and "Tâl am y diwrnod" in text
    assert "Day record" not in text
