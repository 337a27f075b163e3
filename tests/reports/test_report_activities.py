"""Non-contact activity minutes by category over local dates."""
from __future__ import annotations

from datetime import date

from server.reports.activities import activities
from tests.builders import activity, new_client, scope_of, setting


def test_minutes_by_category(app):
    s = setting()
    other = setting("Other", council=s.council)
    ann = new_client(s, "Ann")
    activity(s, ann, "liaising_health_social", 5, "2026-10-19 00:15")   # BST: Sun 18 Oct 23:15 UTC, still in
    activity(s, ann, "liaising_family", 20, "2026-10-20 10:00")
    activity(s, ann, "liaising_family", 10, "2026-10-28 15:00")
    activity(s, ann, "care_planning", 45, "2026-10-22 11:00")
    activity(s, ann, "review", 30, "2026-11-01 23:30")                   # last evening of the period
    activity(s, ann, "gaining_access", 15, "2026-10-18 23:30")           # the evening before: out
    activity(s, ann, "gaining_access", 15, "2026-11-02 00:00")           # the midnight after: out
    activity(other, new_client(other, "Zed"), "review", 60, "2026-10-21 10:00")  # another contract

    report = activities(scope_of(date(2026, 10, 19), date(2026, 11, 1), s))

    # 5 activities, 5 + 20 + 10 + 45 + 30 = 110 minutes; shares of 110: 5 -> 4.5%, 30 -> 27.3%, 45 -> 40.9%.
    assert [(r["category"], r["activities"], r["minutes"], r["minutes_pct"]) for r in report["rows"]] == [
        ("liaising_health_social", 1, 5, 4.5), ("liaising_family", 2, 30, 27.3), ("care_planning", 1, 45, 40.9),
        ("review", 1, 30, 27.3), ("gaining_access", 0, 0, 0.0)]
    assert report["totals"] == {"activities": 5, "minutes": 110}
