"""Facts for engine tests written the way a council reads them: local London wall-clock times.

"2026-10-25 01:30+00:00" picks the second 01:30 of the October clock change; without an
offset a time is read in Europe/London (the first occurrence when ambiguous).
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from server.payments.calendar import PayCalendar
from server.payments.engine import CarerFacts, VisitFacts
from server.payments.rules import rule_set_named

LONDON = "Europe/London"
CALENDAR = PayCalendar(LONDON)


def at(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(LONDON))
    return moment.astimezone(timezone.utc)


def carer(check_in: str | None, check_out: str | None, worker_id: int = 1, **extra) -> CarerFacts:
    arrival = extra.pop("arrival", None)
    return CarerFacts(worker_id, at(check_in), at(check_out), at(arrival), **extra)


def visit(start: str, planned: int, *carers: CarerFacts, **extra) -> VisitFacts:
    return VisitFacts(at(start), planned, carers, **extra)


def rules(name: str):
    return rule_set_named(name)
