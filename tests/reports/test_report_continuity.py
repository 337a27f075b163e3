"""Continuity of care: distinct workers per client and the share of attendances by the top three."""
from __future__ import annotations

from datetime import date
from unittest import mock

from server.directory.models import Worker
from server.extensions import db
from server.reports import rollup
from server.reports.continuity import continuity
from tests.builders import carer, new_client, scope_of, setting, visit
from tests.factories import add


def attended(client, day, *workers):
    v = visit(client, f"2026-10-{day} 09:00", status="completed")
    for w in workers:
        carer(v, w, f"2026-10-{day} 09:00", f"2026-10-{day} 09:30")
    return v


def test_continuity_per_client(app):
    s = setting()
    w1, w2, w3, w4, w5 = s.workers
    w6 = add(Worker(provider_id=s.provider.id, name="Acme Worker 6"))
    ann, bob, cat = new_client(s, "Ann"), new_client(s, "Bob"), new_client(s, "Cat")
    # Ann: w1 x4, w2 x3, w3 x2, w4 x1, and a double-up w1 + w5.
    for day, w in [(19, w1), (19, w1), (20, w1), (20, w1), (21, w2), (21, w2), (22, w2), (22, w3), (23, w3), (23, w4)]:
        attended(ann, day, w)
    attended(ann, 24, w1, w5)
    carer(visit(ann, "2026-10-24 12:00", status="cancelled"), w6, "2026-10-24 12:00")  # cancelled: not counted
    carer(visit(ann, "2026-10-25 12:00", status="missed"), w6)                          # never came: not counted
    # Ann: attendances w1 5, w2 3, w3 2, w4 1, w5 1 = 12 by 5 workers; top three 5 + 3 + 2 = 10 -> 10/12 = 83.3%.

    # Bob: w2 x2, w3 x2, w1 x1, w4 x1; third place is a tie at 1, broken by the lower worker id (w1).
    for day, w in [(19, w2), (20, w2), (21, w3), (22, w3), (23, w1), (24, w4)]:
        attended(bob, day, w)
    # Bob: 6 attendances by 4 workers; top three 2 + 2 + 1 = 5 -> 5/6 = 83.3%.

    attended(cat, 21, w4)
    # Cat: 1 attendance by 1 worker, all by the regular -> 100.0%.
    attended(cat, 26, w5)  # Monday after the period

    report = continuity(scope_of(date(2026, 10, 19), date(2026, 10, 25), s))
    rows = {r["client_name"]: r for r in report["rows"]}

    assert [(n, r["distinct_workers"], r["attendances"], r["regular_attendances"], r["regular_pct"])
            for n, r in rows.items()] == [("Ann", 5, 12, 10, 83.3), ("Bob", 4, 6, 5, 83.3), ("Cat", 1, 1, 1, 100.0)]
    assert [(w["worker_id"], w["attendances"]) for w in rows["Ann"]["regular_workers"]] == [(w1.id, 5), (w2.id, 3),
                                                                                            (w3.id, 2)]
    assert [(w["worker_id"], w["attendances"]) for w in rows["Bob"]["regular_workers"]] == [(w2.id, 2), (w3.id, 2),
                                                                                            (w1.id, 1)]
    assert rows["Bob"]["regular_workers"][0]["worker_name"] == "Acme Worker 2"
    # Totals: 12 + 6 + 1 = 19 attendances, 10 + 5 + 1 = 16 by regulars -> 84.2%;
    # mean distinct workers (5 + 4 + 1) / 3 = 3.3, most 5.
    assert report["totals"] == {"clients": 3, "attendances": 19, "regular_attendances": 16, "regular_pct": 84.2,
                                "mean_distinct_workers": 3.3, "max_distinct_workers": 5}


def test_most_of_a_month_is_its_stored_sum_less_the_days_outside(app):
    s = setting()
    w1, w2, w3, w4, w5 = s.workers
    ann = new_client(s, "Ann")
    early = attended(ann, "02", w1)  # before the period
    attended(ann, "03", w5)  # before the period, and only then
    for day, w in [(20, w2), (21, w1), (31, w3)]:
        attended(ann, day, w)
    continuity(scope_of(date(2026, 10, 1), date(2026, 10, 31), s))  # stores October and its sum
    early.assignments[0].worker_id = w4.id  # a change outside the period: its day is not counted again below
    db.session.commit()

    report = continuity(scope_of(date(2026, 10, 5), date(2026, 10, 31), s))

    # October's sum less 2 and 3 October as stored: w1, w2 and w3 once each; w4 and w5 (outside) not at all.
    [row] = report["rows"]
    assert (row["distinct_workers"], row["attendances"]) == (3, 3)
    assert sorted(w["worker_id"] for w in row["regular_workers"]) == sorted([w1.id, w2.id, w3.id])
    with mock.patch.object(rollup, "usable", return_value=False):
        assert continuity(scope_of(date(2026, 10, 5), date(2026, 10, 31), s)) == report
