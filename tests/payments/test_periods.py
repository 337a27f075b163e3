"""Closed periods: frozen rows, and corrections to them paid once, as adjustments in the next export."""
from __future__ import annotations

import hashlib
import io
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from server.auth.tenancy import Identity
from server.db_types import utcnow
from server.errors import ApiError
from server.extensions import db
from server.payments.export import iter_export_rows, write_csv
from server.payments.models import PaymentPeriod, PaymentSnapshot
from server.payments.periods import close_period
from server.visits.resolution import correct_times
from tests.dbstate import snapshot
from tests.payments.db_helpers import activity, exception, package, setting, visit
from tests.payments.engine_helpers import at

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
EARLY_NOVEMBER = (date(2026, 11, 1), date(2026, 11, 15))
LATER = (date(2026, 11, 16), date(2026, 11, 22))


def officer(s) -> Identity:
    return Identity(s.officer.id, "council_officer", council_id=s.council.id)


def coordinator(s) -> Identity:
    return Identity(s.coordinator.id, "coordinator", provider_id=s.provider.id)


def close(s, dates) -> PaymentPeriod:
    period = close_period(officer(s), s.contract, *dates, utcnow())
    db.session.commit()
    return period


def csv_of(s, dates) -> bytes:
    out = io.StringIO(newline="")
    write_csv(iter_export_rows([s.contract], *dates), out)
    return out.getvalue().encode()


def rows(s, dates, kind=None) -> list[dict]:
    return [r for r in iter_export_rows([s.contract], *dates) if kind is None or r["row_kind"] == kind]


def correct(s, v, worker, check_in: str, check_out: str, **extra):
    correct_times(
        coordinator(s),
        v,
        {
            "worker_id": worker.id,
            "check_in_at": at(check_in),
            "check_out_at": at(check_out),
            "reason_code": "forgot_to_log",
            "approve_overrun": False,
            **extra,
        },
        utcnow(),
    )
    db.session.commit()


@pytest.fixture
def month(app):
    s = setting()
    a, b = s.workers[:2]
    s.paid = visit(s.clients[0], "2026-10-05 09:00", 30, (a, "2026-10-05 09:00", "2026-10-05 09:40"))
    s.held = visit(s.clients[1], "2026-10-06 09:00", 30, (b, "2026-10-06 09:00", None), status="in_progress")
    exception(s.held, "no_checkout", b)
    s.november = visit(s.clients[0], "2026-11-03 09:00", 30, (a, "2026-11-03 09:00", "2026-11-03 09:30"))
    db.session.commit()
    return s


def test_closing_freezes_the_rows_and_their_checksum(month):
    s = month
    before = csv_of(s, OCTOBER)
    period = close(s, OCTOBER)
    assert (period.rows, period.held_rows, period.payable_minutes, period.amount_pence) == (2, 1, 40, 1667)
    assert period.checksum == hashlib.sha256(csv_of(s, OCTOBER)).hexdigest()
    assert db.session.scalar(select(func.count()).select_from(PaymentSnapshot)) == 2
    frozen = rows(s, OCTOBER)
    assert {r["period_id"] for r in frozen} == {period.id}
    assert before != csv_of(s, OCTOBER)  # frozen rows name their period
    assert [(r["visit_id"], r["payable_minutes"]) for r in frozen] == [(s.paid.id, 40), (s.held.id, 0)]


def test_a_correction_after_closing_is_paid_once_in_the_next_export(month):
    s = month
    october = close(s, OCTOBER)
    frozen = csv_of(s, OCTOBER)

    # the coordinator enters the missing check-out and shortens the paid visit
    correct(s, s.held, s.workers[1], "2026-10-06 09:00", "2026-10-06 09:45")
    correct(s, s.paid, s.workers[0], "2026-10-05 09:00", "2026-10-05 09:35")

    assert csv_of(s, OCTOBER) == frozen, "an exported period never changes"
    adjustments = rows(s, EARLY_NOVEMBER, "adjustment")
    assert [(r["visit_id"], r["adjusts_kind"], r["adjusts_period_id"], r["payable_minutes"], r["amount_pence"])
            for r in adjustments] == [
        (s.paid.id, "visit", october.id, -5, 1458 - 1667),  # 35 min = 1458p, was 40 min = 1667p
        (s.held.id, "visit", october.id, 45, 1875),         # held at closing, now 45 min
    ]
    assert "paid 40 min 16.67, now 35 min 14.58" in adjustments[0]["detail"]
    assert rows(s, EARLY_NOVEMBER, "adjustment") == adjustments, "pending until the next close"

    november = close(s, EARLY_NOVEMBER)
    assert (november.rows, november.adjustment_rows) == (3, 2)
    assert rows(s, LATER, "adjustment") == [], "paid once: the next close froze them"
    replay = rows(s, EARLY_NOVEMBER, "adjustment")
    assert [(r["payable_minutes"], r["period_id"]) for r in replay] == [(-5, november.id), (45, november.id)]
    # what closed periods paid for each visit now matches its live pay
    paid = dict(
        db.session.execute(
            select(PaymentSnapshot.visit_id, func.sum(PaymentSnapshot.payable_minutes))
            .where(PaymentSnapshot.visit_id.is_not(None))
            .group_by(PaymentSnapshot.visit_id)
        ).all()
    )
    assert paid == {s.paid.id: 35, s.held.id: 45, s.november.id: 30}


def test_changes_after_the_latest_close_only(month):
    s = month
    close(s, OCTOBER)
    correct(s, s.held, s.workers[1], "2026-10-06 09:00", "2026-10-06 09:30")
    close(s, EARLY_NOVEMBER)
    correct(s, s.held, s.workers[1], "2026-10-06 09:00", "2026-10-06 09:40")  # a second correction
    (adjustment,) = rows(s, LATER, "adjustment")
    assert (adjustment["visit_id"], adjustment["payable_minutes"]) == (s.held.id, 10)  # 40 paid less 30 frozen


def test_a_late_activity_and_a_new_visit_in_a_closed_period(month):
    s = month
    close(s, OCTOBER)
    activity(s.clients[0], s.workers[0], s.coordinator, "gaining_access", 15, "2026-10-20 10:00")
    late = visit(s.clients[1], "2026-10-21 09:00", 30, (s.workers[2], "2026-10-21 09:00", "2026-10-21 09:30"))
    db.session.commit()
    found = rows(s, EARLY_NOVEMBER, "adjustment")
    assert sorted((r["adjusts_kind"], r["payable_minutes"]) for r in found) == [("non_contact", 15), ("visit", 30)]
    assert {r["visit_id"] for r in found} == {late.id, None}


def test_an_export_spanning_closed_and_open_dates(month):
    s = month
    close(s, OCTOBER)
    correct(s, s.held, s.workers[1], "2026-10-06 09:00", "2026-10-06 09:30")
    both = rows(s, (date(2026, 10, 1), date(2026, 11, 15)))
    assert [(r["row_kind"], r["visit_id"], r["payable_minutes"]) for r in both] == [
        ("visit", s.paid.id, 40), ("visit", s.held.id, 0),  # frozen
        ("visit", s.november.id, 30),                       # live
        ("adjustment", s.held.id, 30),                      # the correction, once
    ]


def test_closing_refuses_overlap_and_unfinished_periods_and_writes_nothing(month):
    s = month
    close(s, OCTOBER)
    before = snapshot()
    with pytest.raises(ApiError) as caught:
        close_period(officer(s), s.contract, date(2026, 10, 31), date(2026, 11, 10), utcnow())
    assert (caught.value.status, caught.value.code) == (409, "period_overlap")
    db.session.rollback()
    now = datetime(2026, 11, 15, 12, tzinfo=timezone.utc)
    with pytest.raises(ApiError) as caught:
        close_period(officer(s), s.contract, date(2026, 11, 1), date(2026, 11, 15), now)
    assert caught.value.status == 422 and "date_to" in caught.value.details["fields"]
    db.session.rollback()
    assert snapshot() == before


def test_settlement_of_a_closed_block_is_adjusted_with_its_visits(app):
    s = setting(rule_set="guaranteed-85")
    package(s.clients[0], 420, date(2026, 1, 1))  # block 21 Sep - 18 Oct 2026: 1680 commissioned, 1428 guaranteed
    v = visit(s.clients[0], "2026-10-06 09:00", 60, (s.workers[0], "2026-10-06 09:00", None), status="in_progress")
    exception(v, "no_checkout", s.workers[0])
    db.session.commit()
    block = (date(2026, 9, 21), date(2026, 10, 18))
    period = close(s, block)
    (settled,) = [r for r in rows(s, block) if r["row_kind"] == "settlement"]
    assert (settled["payable_minutes"], settled["period_id"]) == (1428, period.id)

    correct(s, v, s.workers[0], "2026-10-06 09:00", "2026-10-06 10:00")
    found = rows(s, (date(2026, 10, 19), date(2026, 10, 25)), "adjustment")
    assert sorted((r["adjusts_kind"], r["payable_minutes"], r["amount_pence"]) for r in found) == [
        ("settlement", -60, -2500), ("visit", 60, 2500)]  # the guarantee already paid for it: net nothing


def test_closing_a_large_period_writes_snapshots_while_streaming(app):
    from tests.payments.test_export import _bulk

    s = setting()
    _bulk(s, days=25, per_day=100)  # 2,500 rows: the snapshot batches are written while the cursor is open
    dates = (date(2026, 3, 2), date(2026, 3, 26))
    period = close(s, dates)
    assert (period.rows, period.payable_minutes) == (2500, 2500 * 33)
    assert db.session.scalar(select(func.count()).select_from(PaymentSnapshot)) == 2500
    assert period.checksum == hashlib.sha256(csv_of(s, dates)).hexdigest()


def test_visit_payable_reports_what_closed_periods_paid(month):
    from server.payments.payable import visit_payable

    s = month
    assert visit_payable(s.paid)["paid_in_closed_periods"] is None
    october = close(s, OCTOBER)
    correct(s, s.paid, s.workers[0], "2026-10-05 09:00", "2026-10-05 09:35")
    november = close(s, EARLY_NOVEMBER)
    body = visit_payable(s.paid)
    assert body["paid_in_closed_periods"] == {"period_ids": [october.id, november.id], "minutes": 35,
                                              "amount_pence": 1458}
    assert body["minutes"] == 35 and "actual" in [step.rule for step in body["lines"][0].steps]


def test_contingency_granted_after_a_block_closed_is_paid_as_an_adjustment(app):
    from server.payments.contingency import grant_contingency

    s = setting(rule_set="flex-4-week")
    package(s.clients[0], 60, date(2026, 1, 1))  # 240 over the block 21 Sep - 18 Oct 2026
    for day in (22, 29):
        visit(s.clients[0], f"2026-09-{day} 09:00", 150, (s.workers[0], f"2026-09-{day} 09:00", f"2026-09-{day} 11:30"))
    db.session.commit()
    block = (date(2026, 9, 21), date(2026, 10, 18))
    close(s, block)
    (settled,) = rows(s, block, "settlement")
    assert (settled["payable_minutes"], settled["amount_pence"]) == (-60, -2500)  # 300 delivered, 240 agreed
    grant_contingency(officer(s), s.clients[0], {"on_date": date(2026, 10, 1), "minutes": 45, "reason": "fall"},
                      utcnow())
    db.session.commit()
    (adjustment,) = rows(s, (date(2026, 10, 19), date(2026, 10, 25)), "adjustment")
    assert (adjustment["adjusts_kind"], adjustment["payable_minutes"], adjustment["amount_pence"]) == \
        ("settlement", 45, 1875)  # now only 15 minutes over: 45 more minutes paid
