"""Outcome progress series: one point per local date, the mean of that date's scores."""
from __future__ import annotations

from datetime import date

from server.reports.outcomes import outcomes
from tests.builders import new_client, outcome, scope_of, score, setting, visit


def test_scores_by_local_date(app):
    s = setting()
    other = setting("Other", council=s.council)
    w1 = s.workers[0]
    ann, bob = new_client(s, "Ann"), new_client(s, "Bob")
    shops, stairs, meals = outcome(ann, "Get to the shops"), outcome(ann, "Manage the stairs"), outcome(bob, "Cook")
    v_ann, v_bob = visit(ann, "2026-10-19 09:00"), visit(bob, "2026-10-19 10:00")
    score(v_ann, shops, w1, "2026-10-19 10:00", 2)
    score(v_ann, shops, w1, "2026-10-21 09:00", 3)
    score(v_ann, shops, w1, "2026-10-21 18:00", 4)   # same local date: point (3 + 4) / 2 = 3.5 from 2 scores
    score(v_ann, shops, w1, "2026-10-25 00:30", 5)   # BST: Sat 24 Oct 23:30 UTC, but Sunday 25th locally
    score(v_ann, shops, w1, "2026-10-26 00:30", 1)   # Monday after the period
    score(v_ann, stairs, w1, "2026-10-22 09:00", 3)
    score(v_bob, meals, w1, "2026-10-20 09:00", 4)
    score(v_bob, meals, w1, "2026-10-23 09:00", 2)
    zed = new_client(other, "Zed")
    score(visit(zed, "2026-10-20 09:00"), outcome(zed, "Walk"), other.workers[0], "2026-10-20 09:00", 5)

    report = outcomes(scope_of(date(2026, 10, 19), date(2026, 10, 25), s))

    series = {(r["client_name"], r["outcome_title"]): r for r in report["rows"]}
    assert list(series) == [("Ann", "Get to the shops"), ("Ann", "Manage the stairs"), ("Bob", "Cook")]
    assert [(p["date"], p["score"], p["scores"]) for p in series[("Ann", "Get to the shops")]["points"]] == [
        (date(2026, 10, 19), 2.0, 1), (date(2026, 10, 21), 3.5, 2), (date(2026, 10, 25), 5.0, 1)]
    # Change is last point minus first: shops 5 - 2 = 3; stairs 3 - 3 = 0; cook 2 - 4 = -2.
    assert [(r["first_score"], r["latest_score"], r["change"]) for r in series.values()] == [
        (2.0, 5.0, 3.0), (3.0, 3.0, 0.0), (4.0, 2.0, -2.0)]
    assert series[("Bob", "Cook")]["outcome_id"] == meals.id
    # 2 clients, 3 outcomes, 4 + 1 + 2 = 7 scores; one improved, one unchanged, one declined.
    assert report["totals"] == {"clients": 2, "outcomes": 3, "scores": 7, "improved": 1, "unchanged": 1,
                                "declined": 1}
