"""How check-ins were verified: geofence verdicts, and times a coordinator entered."""
from __future__ import annotations

from datetime import date

from server.reports.verification import verification
from tests.builders import carer, new_client, scope_of, setting, visit


def test_check_in_verification_by_week(app):
    s = setting()
    w1, w2 = s.workers[:2]
    ann = new_client(s, "Ann")
    # Week 43: six check-ins.
    carer(visit(ann, "2026-10-19 09:00"), w1, "2026-10-19 09:00", geofence="verified")
    double = visit(ann, "2026-10-20 09:00")
    carer(double, w1, "2026-10-20 09:01", geofence="verified")
    carer(double, w2, "2026-10-20 09:02", geofence="outside")
    carer(visit(ann, "2026-10-21 09:00"), w1, "2026-10-21 09:00", geofence="unverified")
    carer(visit(ann, "2026-10-22 09:00"), w1, "2026-10-22 09:00", geofence=None)         # no verdict stored: none
    carer(visit(ann, "2026-10-23 09:00"), w1, "2026-10-23 09:00", geofence="verified", manual=True)  # manual wins
    carer(visit(ann, "2026-10-24 09:00"), w1)                                             # never checked in
    # Week 44 (the visit's week counts, even for a check-in late on Sunday night).
    carer(visit(ann, "2026-10-26 09:00"), w1, "2026-10-26 09:00", geofence="none")
    carer(visit(ann, "2026-11-01 23:30"), w2, "2026-11-01 23:40", geofence="verified")

    report = verification(scope_of(date(2026, 10, 19), date(2026, 11, 1), s))

    w43, w44 = report["rows"]
    # W43: 6 check-ins: verified 2 (33.3%), unverified 1, outside 1, none 1, manual 1 (16.7% each).
    assert {k: w43[k] for k in ("check_ins", "verified", "unverified", "outside", "none", "manual")} == {
        "check_ins": 6, "verified": 2, "unverified": 1, "outside": 1, "none": 1, "manual": 1}
    assert (w43["verified_pct"], w43["unverified_pct"], w43["outside_pct"], w43["none_pct"], w43["manual_pct"]) == (
        33.3, 16.7, 16.7, 16.7, 16.7)
    # W44: 2 check-ins: none 1, verified 1 -> 50.0% each.
    assert (w44["check_ins"], w44["verified"], w44["none"], w44["verified_pct"], w44["none_pct"]) == (
        2,
        1,
        1,
        50.0,
        50.0,
    )
    # Period: 8: verified 3 (37.5%), unverified 1 (12.5%), outside 1 (12.5%), none 2 (25.0%), manual 1 (12.5%).
    assert report["totals"] == {
        "check_ins": 8, "verified": 3, "unverified": 1, "outside": 1, "none": 2, "invalid": 0, "manual": 1,
        "verified_pct": 37.5, "unverified_pct": 12.5, "outside_pct": 12.5, "none_pct": 25.0, "invalid_pct": 0.0,
        "manual_pct": 12.5, "method_gps": 7, "method_qr": 0, "method_nfc": 0, "method_code": 0, "method_sms": 0,
        "method_manual": 1}


def test_check_ins_by_tag_count_by_their_method_and_verdict(app):
    s = setting()
    w1, w2 = s.workers[:2]
    ann = new_client(s, "Ann")
    carer(visit(ann, "2026-10-19 09:00"), w1, "2026-10-19 09:00", geofence="verified", method="qr")
    double = visit(ann, "2026-10-20 09:00")
    carer(double, w1, "2026-10-20 09:01", geofence="verified", method="code")
    carer(double, w2, "2026-10-20 09:02", geofence="invalid", method="nfc")   # another home's sticker
    carer(visit(ann, "2026-10-21 09:00"), w1, "2026-10-21 09:00", geofence="invalid", method="sms")
    carer(visit(ann, "2026-10-22 09:00"), w1, "2026-10-22 09:00", geofence="outside", method="gps")

    totals = verification(scope_of(date(2026, 10, 19), date(2026, 10, 25), s))["totals"]

    # 5 check-ins: verified 2 (40.0%), invalid 2 (40.0%), outside 1 (20.0%).
    assert {k: totals[k] for k in ("check_ins", "verified", "invalid", "outside", "none")} == {
        "check_ins": 5, "verified": 2, "invalid": 2, "outside": 1, "none": 0}
    assert (totals["verified_pct"], totals["invalid_pct"], totals["outside_pct"]) == (40.0, 40.0, 20.0)
    assert {k: v for k, v in totals.items() if k.startswith("method_")} == {
        "method_gps": 1, "method_qr": 1, "method_nfc": 1, "method_code": 1, "method_sms": 1, "method_manual": 0}
