"""Short visits: under 80% of planned time, and under 15 minutes, to the second."""
from __future__ import annotations

from datetime import date

from server.reports.short_visits import short_visits
from tests.builders import new_client, scope_of, setting, visit


def done(client, start, minutes, started, ended):
    return visit(client, start, minutes, status="completed", punctuality="on_time", started=started, ended=ended)


def test_short_visits_by_week(app):
    s = setting()
    ann = new_client(s, "Ann")
    # Week 43:
    done(ann, "2026-10-20 09:00", 30, "2026-10-20 09:00", "2026-10-20 09:24")  # A: 24:00 = exactly 80% of 30: not short
    done(ann, "2026-10-20 12:00", 30, "2026-10-20 12:00", "2026-10-20 12:23:59")  # B: 23:59 < 24:00: under 80%
    done(ann, "2026-10-21 09:00", 15, "2026-10-21 09:00", "2026-10-21 09:14:59")  # C: 14:59 < 15:00; 80% of 15 = 12:00
    done(ann, "2026-10-22 09:00", 60, "2026-10-22 09:00", "2026-10-22 09:10")     # D: 10 min: under 80% and 15 min
    # G: 01:50 BST to 01:10 GMT is 20 minutes (< 24:00 but not < 15:00), though the wall clock says -40.
    done(ann, "2026-10-25 01:45+01:00", 30, "2026-10-25 01:50+01:00", "2026-10-25 01:10+00:00")
    visit(ann, "2026-10-23 09:00", 30, status="in_progress", started="2026-10-23 09:00")  # not delivered
    visit(ann, "2026-10-23 12:00", 30, status="missed")                                   # not delivered
    # Week 44:
    done(ann, "2026-10-27 09:00", 30, "2026-10-27 09:00", "2026-10-27 09:15")     # E: 15:00: under 80%, not under 15

    report = short_visits(scope_of(date(2026, 10, 19), date(2026, 11, 1), s))

    w43, w44 = report["rows"]
    # W43: delivered A B C D G = 5; under 80%: B D G = 3 -> 60.0%; under 15: C D = 2 -> 40.0%.
    assert {k: w43[k] for k in ("week", "delivered", "under_80pct", "under_15min", "under_80pct_pct",
                                "under_15min_pct")} == {
        "week": "2026-W43", "delivered": 5, "under_80pct": 3, "under_15min": 2,
        "under_80pct_pct": 60.0, "under_15min_pct": 40.0}
    # W44: E only: 1 of 1 under 80% -> 100.0%; none under 15 -> 0.0%.
    assert (w44["delivered"], w44["under_80pct"], w44["under_15min"], w44["under_80pct_pct"], w44["under_15min_pct"]) \
        == (1, 1, 0, 100.0, 0.0)
    # Period: 6 delivered; 4 under 80% -> 66.7%; 2 under 15 -> 33.3%.
    assert report["totals"] == {"delivered": 6, "under_80pct": 4, "under_15min": 2,
                                "under_80pct_pct": 66.7, "under_15min_pct": 33.3}
