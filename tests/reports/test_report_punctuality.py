"""Punctuality by local week, around the October 2026 clock change."""
from __future__ import annotations

from datetime import date

from server.reports.punctuality import punctuality
from tests.builders import new_client, scope_of, setting, visit


def test_punctuality_by_local_week_across_the_clock_change(app):
    s = setting(late_minutes=15, early_minutes=20, missed_minutes=45)
    other = setting("Other", council=s.council)
    ann, bob = new_client(s, "Ann"), new_client(s, "Bob")
    # Week 43 (Mon 19 .. Sun 25 Oct, 169 hours):
    visit(ann, "2026-10-19 00:30", status="completed", punctuality="on_time")  # = Sun 18 Oct 23:30 UTC
    visit(ann, "2026-10-24 23:30", status="completed", punctuality="early")    # BST: 22:30 UTC
    visit(bob, "2026-10-25 00:30", status="completed", punctuality="late")     # BST: Sat 24 Oct 23:30 UTC
    visit(bob, "2026-10-25 23:30", status="missed")  # GMT: 23:30 UTC, after "Monday 19 Oct + 7 x 24 h"
    # Week 44 (Mon 26 Oct .. Sun 1 Nov):
    visit(ann, "2026-10-26 00:30", status="completed", punctuality="on_time")
    visit(ann, "2026-10-28 10:00", status="cancelled")
    visit(bob, "2026-10-28 12:00", status="late")        # overdue, no check-in yet: late
    visit(bob, "2026-10-30 09:00", status="scheduled")   # not due yet: pending
    # Outside the period, or under another contract:
    visit(ann, "2026-10-18 23:30", status="missed")      # Sunday before the period (BST)
    visit(ann, "2026-11-02 00:30", status="missed")      # Monday after it
    visit(new_client(other, "Zed"), "2026-10-21 09:00", status="missed")

    report = punctuality(scope_of(date(2026, 10, 19), date(2026, 11, 1), s))

    w43, w44 = report["rows"]
    assert (w43["week"], w43["date_from"], w43["date_to"]) == ("2026-W43", date(2026, 10, 19), date(2026, 10, 25))
    # W43: 4 visits, all due: 1 early, 1 on time, 1 late, 1 missed -> 1/4 = 25.0% each.
    assert {k: w43[k] for k in ("visits", "due", "early", "on_time", "late", "missed", "cancelled", "pending")} == {
        "visits": 4, "due": 4, "early": 1, "on_time": 1, "late": 1, "missed": 1, "cancelled": 0, "pending": 0}
    assert (w43["early_pct"], w43["on_time_pct"], w43["late_pct"], w43["missed_pct"]) == (25.0, 25.0, 25.0, 25.0)
    # W44: 4 visits; cancelled and pending are not due, so due = 2 (1 on time, 1 late) -> 50.0% each.
    assert {k: w44[k] for k in ("visits", "due", "early", "on_time", "late", "missed", "cancelled", "pending")} == {
        "visits": 4, "due": 2, "early": 0, "on_time": 1, "late": 1, "missed": 0, "cancelled": 1, "pending": 1}
    assert (w44["early_pct"], w44["on_time_pct"], w44["late_pct"], w44["missed_pct"]) == (0.0, 50.0, 50.0, 0.0)
    # Period: due 6 = early 1 + on time 2 + late 2 + missed 1; 1/6 = 16.7%, 2/6 = 33.3%.
    t = report["totals"]
    assert (t["visits"], t["due"], t["cancelled"], t["pending"]) == (8, 6, 1, 1)
    assert (t["early_pct"], t["on_time_pct"], t["late_pct"], t["missed_pct"]) == (16.7, 33.3, 33.3, 16.7)
    # The contract's thresholds are echoed beside the figures.
    assert report["filters"]["contracts"] == [{
        "id": s.contract.id, "reference": "C-Acme", "council_id": s.council.id, "provider_id": s.provider.id,
        "provider_name": "Acme", "early_minutes": 20, "late_minutes": 15, "missed_minutes": 45}]
    assert report["report"] == "punctuality"
    assert report["period"]["timezone"] == "Europe/London"


def test_a_week_with_no_visits_has_no_shares(app):
    s = setting()
    report = punctuality(scope_of(date(2026, 10, 21), date(2026, 10, 27), s))
    # Wed 21 .. Sun 25 Oct, then Mon 26 .. Tue 27 Oct.
    assert [(r["week"], r["visits"], r["on_time_pct"]) for r in report["rows"]] == [
        ("2026-W43", 0, None), ("2026-W44", 0, None)]
    assert report["totals"]["due"] == 0 and report["totals"]["on_time_pct"] is None
