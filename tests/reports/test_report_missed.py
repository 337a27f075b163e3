"""Missed visits with the reasons coordinators gave."""
from __future__ import annotations

from datetime import date, datetime, timezone

from server.reports.missed import missed
from server.visits.models import VisitCorrection, VisitException
from tests.builders import at, carer, new_client, scope_of, setting, visit
from tests.factories import add


def exception(v, kind, raised, resolved=None, resolution=None):
    return add(VisitException(visit_id=v.id, kind=kind, raised_at=at(raised),
                              resolved_at=at(resolved) if resolved else None, resolution=resolution))


def test_missed_visits_with_reasons(app):
    s = setting()
    w1, w2 = s.workers[:2]
    ann, bob, cat = new_client(s, "Ann"), new_client(s, "Bob"), new_client(s, "Cat")

    first = visit(ann, "2026-10-19 00:30", status="missed")  # BST: Sun 18 Oct 23:30 UTC
    carer(first, w1)
    carer(first, w2, removed=True)                             # taken off the visit: not listed
    exception(first, "missing_check_in", "2026-10-19 01:30", "2026-10-19 09:00",
              "client_in_hospital: admitted on Sunday night")
    open_one = visit(bob, "2026-10-20 09:00", status="missed")
    exception(open_one, "missing_check_in", "2026-10-20 10:00")
    silent = visit(cat, "2026-10-21 09:00", status="missed")   # nothing recorded
    twice = visit(ann, "2026-10-22 09:00", status="missed")
    exception(twice, "missing_check_in", "2026-10-22 10:00", "2026-10-22 11:00", "other: car broke down")
    exception(twice, "no_geolocation", "2026-10-22 10:30", "2026-10-22 12:00", "no_signal")  # latest resolution
    free_text = visit(bob, "2026-10-23 09:00", status="missed")
    exception(free_text, "missing_check_in", "2026-10-23 10:00", "2026-10-23 11:00", "Client was at the day centre")
    corrected = visit(cat, "2026-10-24 09:00", status="missed")
    add(VisitCorrection(visit_id=corrected.id, worker_id=w1.id, check_in_at=at("2026-10-24 09:00"),
                        check_out_at=at("2026-10-24 09:00"), reason_code="forgot_to_log", note="Rang the office",
                        created_by=s.recorder.id, created_at=at("2026-10-24 13:00")))
    done = visit(ann, "2026-10-23 12:00", status="completed")  # not missed, though it had an exception
    exception(done, "no_geolocation", "2026-10-23 12:00")
    visit(ann, "2026-10-26 09:00", status="missed")            # after the period

    report = missed(scope_of(date(2026, 10, 19), date(2026, 10, 25), s))
    rows = report["rows"]

    assert [r["visit_id"] for r in rows] == [first.id, open_one.id, silent.id, twice.id, free_text.id,
                                             corrected.id]
    assert [(r["reason_code"], r["resolved"]) for r in rows] == [
        ("client_in_hospital", True), (None, False), (None, False), ("no_signal", True), (None, True),
        ("forgot_to_log", True)]
    head = rows[0]
    assert head["planned_start"] == datetime(2026, 10, 18, 23, 30, tzinfo=timezone.utc)
    assert (head["local_date"], head["local_time"]) == (date(2026, 10, 19), "00:30")
    assert head["resolution"] == "client_in_hospital: admitted on Sunday night"
    assert head["workers"] == [{"worker_id": w1.id, "worker_name": "Acme Worker 1"}]
    assert [(e["kind"], e["reason_code"]) for e in rows[3]["exceptions"]] == [
        ("missing_check_in", "other"), ("no_geolocation", "no_signal")]
    assert rows[2]["exceptions"] == [] and rows[2]["resolution"] is None
    assert rows[4]["resolution"] == "Client was at the day centre"
    assert (rows[5]["resolution"], rows[5]["corrections"][0]["reason_code"]) == ("Rang the office", "forgot_to_log")
    # 6 missed; resolved: first, twice, free_text, corrected = 4; open_one and Cat's = 2 unresolved.
    # Reasons: none for open_one, Cat's and free_text (3); one each of the rest, then by code.
    assert report["totals"] == {"missed": 6, "resolved": 4, "unresolved": 2, "by_reason": [
        {"reason_code": None, "visits": 3}, {"reason_code": "client_in_hospital", "visits": 1},
        {"reason_code": "forgot_to_log", "visits": 1}, {"reason_code": "no_signal", "visits": 1}]}

