"""Outcome statements (JSON and PDF, read back with pypdf) and outcome reviews through the API."""
from __future__ import annotations

import io

from pypdf import PdfReader

from server.outcomes.models import OutcomeReview
from server.outcomes.statements import trend
from tests.dbstate import snapshot
from tests.sessions import headers_for

NOV = "date_from=2026-11-01&date_to=2026-11-30"


def test_the_statement_holds_outcomes_progress_notes_and_trend(client, nov):
    c1 = nov.alpha.clients[0]
    r = client.get(f"/api/v1/clients/{c1.id}/outcome-statement?{NOV}", headers=headers_for(nov.alpha.coordinator))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    [outcome] = body["outcomes"]
    assert outcome["title"] == "I can get to the shops"
    assert [p["score"] for p in outcome["progress"]] == [3, 4]  # October's 2 is the baseline, not progress
    assert outcome["progress"][1]["comment"] == "Walked to the corner shop with a stick"
    assert outcome["trend"] == {"baseline": 2, "latest": 4, "change": 2, "direction": "improving"}
    assert [n["text"] for n in body["notes"]] == ["Keen to try the bus next week"]
    assert [(r["due_on"], r["on_time"]) for r in body["reviews"]] == [("2026-11-10", True), ("2026-12-05", None)]
    assert body["packages"][-1]["reablement"] is True


def test_the_statement_pdf_reads_back(client, nov):
    c2 = nov.alpha.clients[1]
    r = client.get(f"/api/v1/clients/{c2.id}/outcome-statement.pdf?{NOV}", headers=headers_for(nov.officer))
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(r.data)).pages)
    assert "Outcome statement - AlphaClient2" in text
    assert "Period 2026-11-01 to 2026-11-30" in text
    assert "Trend: declining (-1), from 4 to 3" in text
    assert "2026-11-25: done 2026-11-27 (late)" in text
    assert "No notes in this period." in text


def test_another_tenant_cannot_read_a_statement(client, nov):
    c1 = nov.alpha.clients[0]
    for who in (nov.beta.admin, nov.south_officer):
        assert client.get(f"/api/v1/clients/{c1.id}/outcome-statement", headers=headers_for(who)).status_code == 404
    assert client.get(f"/api/v1/clients/{c1.id}/outcome-statement", headers=headers_for(nov.alpha.family)
                      ).status_code == 403


def test_trend_needs_two_scores():
    assert trend(None, [3])["direction"] == "not_enough_scores"
    assert trend(3, [3]) == {"baseline": 3, "latest": 3, "change": 0, "direction": "steady"}
    assert trend(None, [])["latest"] is None


def test_reviews_are_planned_and_recorded(client, world):
    c1 = world.alpha.clients[0]
    r = client.post(f"/api/v1/clients/{c1.id}/outcome-reviews", json={"due_on": "2026-12-14", "notes": "Six weeks"},
                    headers=headers_for(world.alpha.coordinator))
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["done_on"], r.get_json()["on_time"]) == (None, None)
    done = client.patch(f"/api/v1/outcome-reviews/{r.get_json()['id']}", json={"done_on": "2026-12-15"},
                        headers=headers_for(world.alpha.admin))
    assert done.get_json()["on_time"] is False
    listed = client.get(f"/api/v1/clients/{c1.id}/outcome-reviews", headers=headers_for(world.officer)).get_json()
    assert [(x["due_on"], x["done_on"]) for x in listed] == [("2026-12-14", "2026-12-15")]


def test_bad_review_input_writes_nothing(client, world):
    c1 = world.alpha.clients[0]
    before = snapshot()
    for body in ({}, {"due_on": "14/12/2026"}, {"due_on": "2026-12-14", "notes": "x" * 4001}):
        r = client.post(f"/api/v1/clients/{c1.id}/outcome-reviews", json=body,
                        headers=headers_for(world.alpha.coordinator))
        assert r.status_code == 422, body
    assert snapshot() == before
    assert OutcomeReview.query.count() == 0


def test_a_care_package_carries_its_reablement_plan(client, world):
    c1 = world.alpha.clients[0]
    url, admin = f"/api/v1/clients/{c1.id}/care-packages", headers_for(world.alpha.admin)
    ok = client.post(url, json={"weekly_minutes": 420, "starts_on": "2026-12-01", "reablement": True,
                                "planned_end_on": "2026-12-28", "planned_weekly_minutes": 120,
                                "weekly_budget_minor": 14_700}, headers=admin)
    assert ok.status_code == 201, ok.get_json()
    assert (ok.get_json()["planned_weekly_minutes"], ok.get_json()["weekly_budget_minor"]) == (120, 14_700)
    before = snapshot()
    for bad, field in (({"planned_weekly_minutes": 500}, "planned_weekly_minutes"),
                       ({"reablement": False}, "reablement"), ({"planned_end_on": "2026-11-01"}, "planned_end_on")):
        body = {"weekly_minutes": 420, "starts_on": "2026-12-01", "reablement": True, "planned_end_on": "2026-12-28",
                "planned_weekly_minutes": 120, **bad}
        r = client.post(url, json=body, headers=admin)
        assert r.status_code == 422 and field in r.get_json()["error"]["details"]["fields"], r.get_json()
    assert snapshot() == before
