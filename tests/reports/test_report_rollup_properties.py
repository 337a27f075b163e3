"""The stored KPI days give the same reports as counting from the visits, whatever the visits and their changes.

Generated histories over two weeks around the October 2026 clock change: visits of two contracts, their carers,
a first read of some period (which stores its days), changes made the way the app makes them (the ORM), then
every stored-figure report over several periods against the same report counted directly.
"""
from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.extensions import db
from server.reports import rollup
from server.reports.continuity import continuity
from server.reports.delivery import delivery
from server.reports.flags import flags
from server.reports.punctuality import punctuality
from server.reports.short_visits import short_visits
from server.reports.verification import verification
from server.visits.models import Visit, VisitAssignment
from tests.builders import at, new_client, package, scope_of, setting
from tests.conftest import _empty_tables

REPORTS = (punctuality, short_visits, verification, delivery, continuity, flags)
FIRST = date(2026, 10, 19)  # a Monday; the clocks go back on Sunday 25 October
DAYS = 14
START = at("2026-10-18 21:00")  # three hours before the window, so some visits fall outside it
QUARTERS = (DAYS * 24 + 6) * 4
STATUSES = ("scheduled", "late", "missed", "completed", "completed", "cancelled", "in_progress")
FLAGS = st.lists(st.sampled_from(["late", "short", "tasks_not_done", "manual_times"]), unique=True, max_size=2)

carers = st.lists(st.tuples(
    st.integers(0, 2),  # worker
    st.one_of(st.none(), st.integers(-20, 40)),  # check-in, minutes after the planned start
    st.one_of(st.none(), st.integers(-5, 90)),  # check-out, minutes after the check-in
    st.sampled_from(["verified", "unverified", "outside", "invalid", None]),
    st.sampled_from([None, "gps", "qr", "nfc"]),
    st.booleans(),  # manual
), max_size=2)
visits = st.lists(st.tuples(
    st.integers(0, 1),  # contract
    st.integers(0, 1),  # client of that contract
    st.integers(0, QUARTERS - 1),  # planned start, in quarter hours from START
    st.sampled_from([15, 30, 45]),
    st.sampled_from(STATUSES),
    st.sampled_from([None, "early", "on_time", "late"]),
    st.one_of(st.none(), st.integers(0, 70)),  # minutes from start to end of a visit with times
    carers,
    FLAGS,
), max_size=12)
changes = st.lists(st.tuples(
    st.integers(0, 11),  # which visit
    st.sampled_from(["status", "move", "contract", "check_in", "check_out", "manual", "add_carer", "flags"]),
    st.integers(0, 400),
), max_size=6)
periods = st.lists(st.tuples(st.integers(0, DAYS - 1), st.integers(0, DAYS - 1)), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(visits, changes, periods, st.tuples(st.integers(0, DAYS - 1), st.integers(0, DAYS - 1)), st.booleans())
def test_stored_days_give_the_reports_counted_from_the_visits(app, made, changed, asked, first_read, one_contract):
    _empty_tables()
    acme = setting("Acme")
    other = setting("Other", council=acme.council)
    sides = [(s, [new_client(s, f"{s.provider.name} {i}") for i in range(2)]) for s in (acme, other)]
    for _, clients in sides:
        package(clients[0], 420, date(2026, 10, 1))
    stored = []
    for side, client_no, quarter, minutes, status, punctual, length, people, flagged in made:
        s, clients = sides[side]
        start = START + timedelta(minutes=15 * quarter)
        visit = Visit(client_id=clients[client_no].id, contract_id=s.contract.id, provider_id=s.provider.id,
                      planned_start=start, planned_minutes=minutes, status=status, punctuality=punctual,
                      started_at=start if length is not None else None,
                      ended_at=start + timedelta(minutes=length) if length is not None else None, flags=flagged)
        db.session.add(visit)
        db.session.flush()
        for position, (worker, check_in, check_out, geofence, method, manual) in enumerate(people, 1):
            checked_in = None if check_in is None else start + timedelta(minutes=check_in)
            db.session.add(VisitAssignment(
                visit_id=visit.id, worker_id=s.workers[worker].id, position=position, checked_in_at=checked_in,
                checked_out_at=None if checked_in is None or check_out is None else
                checked_in + timedelta(minutes=check_out),
                check_in_geofence=geofence if checked_in else None, check_in_method=method, manual=manual))
        stored.append(visit)
    db.session.commit()

    def scope(first: int, last: int):
        first, last = sorted((first, last))
        return scope_of(FIRST + timedelta(first), FIRST + timedelta(last), *([acme] if one_contract else [acme, other]))

    for report in REPORTS:  # stores the days of one period before anything changes
        report(scope(*first_read))
    for which, change, value in changed:
        if stored:
            _change(stored[which % len(stored)], change, value, sides)
    db.session.commit()

    for first, last in [first_read, *asked]:
        for report in REPORTS:
            from_days = report(scope(first, last))
            with mock.patch.object(rollup, "usable", return_value=False):
                direct = report(scope(first, last))
            assert from_days == direct, report.__name__


def _change(visit: Visit, change: str, value: int, sides) -> None:
    """One edit as the app would make it: through the ORM, flushed in a transaction."""
    if change == "status":
        visit.status = STATUSES[value % len(STATUSES)]
    elif change == "move":
        visit.planned_start += timedelta(minutes=15 * (value - 200))
    elif change == "contract":
        s, clients = sides[value % 2]
        visit.contract_id, visit.provider_id, visit.client_id = s.contract.id, s.provider.id, clients[value % 2].id
    elif change == "flags":
        visit.flags = [["late"], ["short", "manual_times"], []][value % 3]
    elif change == "add_carer":
        s = next(s for s, _ in sides if s.contract.id == visit.contract_id)
        db.session.add(VisitAssignment(visit_id=visit.id, worker_id=s.workers[value % 5].id, position=3,
                                       checked_in_at=visit.planned_start, check_in_geofence="verified",
                                       checked_out_at=visit.planned_start + timedelta(minutes=value % 60)))
    else:
        for carer in visit.assignments:
            if change == "check_in":
                carer.checked_in_at = visit.planned_start + timedelta(minutes=value % 50)
                carer.check_in_geofence = "outside"
            elif change == "check_out" and carer.checked_in_at is not None:
                carer.checked_out_at = carer.checked_in_at + timedelta(minutes=value % 80)
            elif change == "manual":
                carer.manual = not carer.manual
    db.session.flush()
