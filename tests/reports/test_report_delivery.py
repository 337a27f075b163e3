"""Delivered against commissioned minutes: pro rata packages, carer minutes, four-week blocks, providers."""
from __future__ import annotations

from datetime import date

from server.reports.delivery import delivery
from tests.builders import carer, delivered, new_client, package, scope_of, setting, visit

FIGURES = ("commissioned_minutes", "delivered_minutes", "variance_minutes", "delivered_pct")


def figures(row):
    return tuple(row[k] for k in FIGURES)


def test_delivered_against_commissioned(app):
    s = setting()
    other = setting("Other", council=s.council)
    w1, w2, w3, w4, _ = s.workers
    ann, bob, cat, dan, eve = (new_client(s, n) for n in ("Ann", "Bob", "Cat", "Dan", "Eve"))
    fay = new_client(other, "Fay")
    # Period Mon 5 Oct .. Wed 11 Nov 2026 = 38 days; four-week blocks: 5 Oct .. 1 Nov (28 days), 2 .. 11 Nov (10 days).

    # Ann: 70 a week over all 38 days -> 70 x 38 / 7 = 380 commissioned.
    package(ann, 70, date(2026, 1, 1))
    delivered(ann, w1, "2026-10-06 09:00", 30, 30)                                    # 30
    double = visit(ann, "2026-10-07 09:00", 45, status="completed")
    carer(double, w1, "2026-10-07 09:00", "2026-10-07 09:45")                         # 45
    carer(double, w2, "2026-10-07 09:00:30", "2026-10-07 09:45")                      # 44.5
    carer(visit(ann, "2026-10-08 09:00", status="cancelled"), w1, "2026-10-08 09:00", "2026-10-08 09:30")  # cancelled
    carer(visit(ann, "2026-10-09 09:00", status="in_progress"), w1, "2026-10-09 09:00")                  # no check-out
    moved = visit(ann, "2026-10-10 10:00", status="scheduled")
    carer(moved, w3, "2026-10-10 10:00", "2026-10-10 10:20", removed=True)           # 20: taken off, but was there
    carer(moved, w4)
    delivered(ann, w1, "2026-10-04 23:30", 30, 30)                                    # the Sunday before: out
    # Ann delivered 30 + 45 + 44.5 + 20 = 139.5 over 3 visits; 139.5 - 380 = -240.5; 139.5 / 380 = 36.7%.

    # Bob: four-week flexible, 140 a week from Mon 19 Oct.
    # Block 1: 19 Oct .. 1 Nov = 14 days -> 280; block 2: 10 days -> 200; period 480.
    package(bob, 140, date(2026, 10, 19), flex_weeks=4)
    delivered(bob, w2, "2026-10-26 10:00", 60, 60)
    delivered(bob, w2, "2026-11-01 23:30", 60, 60)    # Sunday night: block 1, though it ends on Monday
    delivered(bob, w2, "2026-11-02 00:30", 100, 100)  # Monday just after midnight: block 2
    # Block 1: 120 - 280 = -160, 120 / 280 = 42.9%; block 2: 100 - 200 = -100, 50.0%;
    # period: 220 - 480 = -260, 220 / 480 = 45.8%.

    # Cat: 100 a week until Wed 7 Oct (3 days -> 300/7 = 42.857), then 70 a week from Mon 9 Nov (3 days -> 30).
    package(cat, 100, date(2026, 9, 1), date(2026, 10, 7))
    package(cat, 70, date(2026, 11, 9))
    # Cat: commissioned 300/7 + 30 = 72.857 -> 72.9; nothing delivered: -72.9, 0.0%.

    # Dan: no package, one visit of 30 minutes: 0 commissioned, 30 delivered, no share.
    delivered(dan, w3, "2026-10-15 09:00", 30, 30)
    # Eve: a package that ended before the period and no visits: not a row.
    package(eve, 70, date(2026, 1, 1), date(2026, 10, 1))

    # Fay, the other provider's client: 380 commissioned, 60 delivered: -320, 60 / 380 = 15.8%.
    package(fay, 70, date(2026, 1, 1))
    delivered(fay, other.workers[0], "2026-10-20 09:00", 60, 60)

    report = delivery(scope_of(date(2026, 10, 5), date(2026, 11, 11), s, other))
    rows = {r["client_name"]: r for r in report["rows"]}

    assert list(rows) == ["Ann", "Bob", "Cat", "Dan", "Fay"]
    assert figures(rows["Ann"]) == (380.0, 139.5, -240.5, 36.7) and rows["Ann"]["visits"] == 3
    assert figures(rows["Bob"]) == (480.0, 220.0, -260.0, 45.8) and rows["Bob"]["visits"] == 3
    assert figures(rows["Cat"]) == (72.9, 0.0, -72.9, 0.0) and rows["Cat"]["visits"] == 0
    assert figures(rows["Dan"]) == (0.0, 30.0, 30.0, None)
    assert figures(rows["Fay"]) == (380.0, 60.0, -320.0, 15.8)
    assert [(b["block"], b["date_from"], b["date_to"], *figures(b)) for b in rows["Bob"]["blocks"]] == [
        (1, date(2026, 10, 5), date(2026, 11, 1), 280.0, 120.0, -160.0, 42.9),
        (2, date(2026, 11, 2), date(2026, 11, 11), 200.0, 100.0, -100.0, 50.0)]
    assert rows["Bob"]["flex_weeks"] == 4 and rows["Ann"]["flex_weeks"] == 1
    assert rows["Ann"]["blocks"] == [] and rows["Cat"]["blocks"] == []

    # Acme: 380 + 480 + 300/7 + 30 + 0 = 932.857 commissioned; 139.5 + 220 + 0 + 30 = 389.5 delivered;
    # 389.5 - 932.857 = -543.357; 389.5 / 932.857 = 41.75%.
    acme, other_provider = report["totals"]["providers"]
    assert (acme["provider_name"], acme["clients"], *figures(acme)) == ("Acme", 4, 932.9, 389.5, -543.4, 41.8)
    assert (other_provider["provider_name"], other_provider["clients"], *figures(other_provider)) == (
        "Other", 1, 380.0, 60.0, -320.0, 15.8)
    # All: 932.857 + 380 = 1312.857; 389.5 + 60 = 449.5; -863.357; 449.5 / 1312.857 = 34.24%.
    assert (report["totals"]["clients"], *figures(report["totals"])) == (5, 1312.9, 449.5, -863.4, 34.2)
