"""Local weeks, blocks and days as UTC instants, and the SQL that buckets by them and measures time."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from server.extensions import db
from server.reports.periods import Period, Span
from server.reports.sql import bucket_index, seconds_between
from server.visits.models import Visit
from tests.builders import LONDON, at, new_client, setting, visit

UTC = timezone.utc


def test_weeks_are_iso_weeks_clipped_to_the_period():
    # Wed 21 Oct .. Tue 3 Nov 2026: the Monday-to-Sunday weeks 43, 44, 45, cut at both ends.
    weeks = Period(date(2026, 10, 21), date(2026, 11, 3), LONDON).weeks()
    assert weeks == [Span(date(2026, 10, 21), date(2026, 10, 25)), Span(date(2026, 10, 26), date(2026, 11, 1)),
                     Span(date(2026, 11, 2), date(2026, 11, 3))]
    assert [w.iso_week for w in weeks] == ["2026-W43", "2026-W44", "2026-W45"]
    assert [w.days for w in weeks] == [5, 7, 2]


def test_the_week_holding_the_october_clock_change_is_169_hours():
    period = Period(date(2026, 10, 19), date(2026, 11, 1), LONDON)
    bounds = period.boundaries(period.weeks())
    # Mon 19 Oct 00:00 BST = Sun 18 Oct 23:00 UTC; Mon 26 Oct 00:00 GMT = 00:00 UTC; Mon 2 Nov 00:00 UTC.
    assert bounds == [datetime(2026, 10, 18, 23, tzinfo=UTC), datetime(2026, 10, 26, tzinfo=UTC),
                      datetime(2026, 11, 2, tzinfo=UTC)]
    assert bounds[1] - bounds[0] == timedelta(hours=7 * 24 + 1)
    assert bounds[2] - bounds[1] == timedelta(hours=7 * 24)


def test_the_march_clock_change_day_is_23_hours():
    period = Period(date(2026, 3, 29), date(2026, 3, 29), LONDON)
    # Sun 29 Mar 00:00 GMT = 00:00 UTC; Mon 30 Mar 00:00 BST = Sun 29 Mar 23:00 UTC.
    assert period.boundaries(period.days()) == [
        datetime(2026, 3, 29, tzinfo=UTC),
        datetime(2026, 3, 29, 23, tzinfo=UTC),
    ]


def test_four_week_blocks_count_from_the_week_of_the_first_date():
    # From Wed 7 Oct: the first block is the ISO weeks from Mon 5 Oct (to Sun 1 Nov), clipped to start on the 7th.
    blocks = Period(date(2026, 10, 7), date(2026, 11, 11), LONDON).blocks(4)
    assert blocks == [Span(date(2026, 10, 7), date(2026, 11, 1)), Span(date(2026, 11, 2), date(2026, 11, 11))]


def test_bucket_index_in_sql_matches_the_boundaries_on_every_edge(app):
    period = Period(date(2026, 10, 1), date(2026, 11, 30), LONDON)
    weeks = period.weeks()
    bounds = period.boundaries(weeks)
    assert len(weeks) == 10  # Thu 1 Oct (W40) .. Mon 30 Nov (W49)
    # Each boundary and one second either side; the last instant of the period is in the last week.
    probes = [b + timedelta(seconds=d) for b in bounds[1:-1] for d in (-1, 0, 1)] + [
        bounds[0],
        bounds[-1] - timedelta(seconds=1),
    ]
    s = setting()
    client = new_client(s, "Ann")
    for moment in probes:
        visit(client, moment.isoformat())
    db.session.flush()
    found = sorted(db.session.execute(select(Visit.planned_start, bucket_index(Visit.planned_start, bounds))).all())
    expected = sorted((m, max(i for i, b in enumerate(bounds[:-1]) if b <= m)) for m in probes)
    assert found == expected
    assert found[0][1] == 0 and found[-1][1] == 9


def test_seconds_between_is_exact_to_the_second_and_knows_the_clock_change(app):
    client = new_client(setting(), "Ann")
    cases = {
        # 24:00.000 exactly, where float julianday arithmetic would give 1439.99999 s.
        visit(client, "2026-10-20 09:00", started="2026-10-20 09:06:00", ended="2026-10-20 09:30:00").id: 1440,
        # 01:50 BST to 01:10 GMT: the wall clock says -40 minutes, the world says 20 minutes.
        visit(client, "2026-10-25 01:45+01:00", started="2026-10-25 01:50+01:00",
              ended="2026-10-25 01:10+00:00").id: 1200,
        # Fractions of a second round to the nearest second.
        visit(client, "2026-10-20 10:00", started="2026-10-20 10:00:00.400000", ended="2026-10-20 10:15:00").id: 900,
    }
    db.session.flush()
    found = dict(db.session.execute(select(Visit.id, seconds_between(Visit.started_at, Visit.ended_at))).all())
    assert found == cases
    assert at("2026-10-25 01:10+00:00") - at("2026-10-25 01:50+01:00") == timedelta(minutes=20)
