"""From rows to engine facts: the only place the payable-time engine meets the database.

A carer's effective times are on VisitAssignment (a coordinator's correction already applied).
A carer counts while assigned, and also after being taken off the visit if their phone recorded
times there (what they did must still be paid). An unresolved exception of a kind in
HELD_EXCEPTION_KINDS, for the carer or for the whole visit, holds the carer's pay; so does a
flag the contract holds (visits/flags.py pay_holds) until a coordinator decides on it.
"""
from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

from sqlalchemy import and_, case, exists, false, func, or_, select

from server.care.models import CarePackage
from server.directory.models import Client, Contract, Council, Worker
from server.extensions import db
from server.payments.calendar import CouncilHolidays, PayCalendar
from server.payments.engine import ActivityFacts, CarerFacts, Payable, VisitFacts, payable_for_visit
from server.payments.models import ContingencyGrant, ServiceAuthorisation, VisitMaintenance
from server.payments.rules import RuleSet, rule_set_named
from server.payments.units import Authorisation
from server.visits.flags import MINUTE, pay_holds
from server.visits.models import (
    ExceptionKind,
    NonContactActivity,
    ReasonKind,
    Visit,
    VisitAssignment,
    VisitException,
    VisitStatus,
)

HELD_EXCEPTION_KINDS = frozenset({ExceptionKind.NO_CHECKOUT, ExceptionKind.MISSING_CHECK_IN,
                                  ExceptionKind.CHECKOUT_BEFORE_CHECKIN, ExceptionKind.CLOCK_SKEW})


def _counted(assignment_cls=VisitAssignment):
    return or_(assignment_cls.removed_at.is_(None), assignment_cls.checked_in_at.is_not(None),
               assignment_cls.checked_out_at.is_not(None))


def _for_carer(worker_id_column):
    """An exception about this carer, or about the whole visit."""
    return or_(VisitException.worker_id.is_(None), VisitException.worker_id == worker_id_column)


def _open_hold(worker_id_column):
    return (select(func.min(VisitException.kind))
            .where(VisitException.visit_id == Visit.id, VisitException.resolved_at.is_(None),
                   VisitException.kind.in_(HELD_EXCEPTION_KINDS), _for_carer(worker_id_column))
            .scalar_subquery())


def _accepted_without_checkout(worker_id_column):
    """A no-checkout exception a coordinator resolved without entering times (no correction)."""
    return exists().where(VisitException.visit_id == Visit.id, VisitException.kind == "no_checkout",
                          VisitException.resolved_at.is_not(None), VisitException.correction_id.is_(None),
                          _for_carer(worker_id_column))


def _latest_maintenance(worker_id_column):
    """The carer's latest bill times at the visit, if a coordinator set any."""
    return (select(func.max(VisitMaintenance.id))
            .where(VisitMaintenance.visit_id == Visit.id, VisitMaintenance.worker_id == worker_id_column)
            .correlate_except(VisitMaintenance).scalar_subquery())


def visit_rows(contract_id: int, start: datetime | None = None, end: datetime | None = None, *,
               visit_ids=None, client_id: int | None = None):
    """One row per counted carer per visit (one row with no carer for a visit without any), in planned order.

    Only the columns an export and the engine need; the exception checks are correlated
    subqueries on the (visit_id, resolved_at) index, so there is no query per row.
    """
    incomplete = and_(VisitAssignment.checked_in_at.is_not(None), VisitAssignment.checked_out_at.is_(None))
    stmt = (
        select(
            Visit.id.label("visit_id"), Visit.client_id, Client.reference.label("client_reference"),
            Visit.planned_start, Visit.planned_minutes, Visit.status, Visit.overrun_approved,
            Visit.flags, Visit.reasons, Visit.started_at, Visit.ended_at, Visit.pay_decision, Visit.pay_decision_note,
            VisitAssignment.worker_id, Worker.staff_ref, VisitAssignment.position, VisitAssignment.arrived_at,
            VisitAssignment.checked_in_at, VisitAssignment.checked_out_at, VisitAssignment.check_in_geofence,
            VisitAssignment.check_out_geofence, VisitAssignment.check_in_method, VisitAssignment.check_out_method,
            VisitAssignment.manual, VisitAssignment.arrival_geofence, VisitAssignment.overrun_approved_minutes,
            _open_hold(VisitAssignment.worker_id).label("open_hold"),
            case((incomplete, _accepted_without_checkout(VisitAssignment.worker_id)), else_=false()).label("accepted"),
            Visit.service_code, Visit.visit_type, VisitMaintenance.bill_start, VisitMaintenance.bill_end,
            VisitMaintenance.reason_code.label("bill_reason"),
        )
        .select_from(Visit)
        .join(Client, Client.id == Visit.client_id)
        .outerjoin(VisitAssignment, and_(VisitAssignment.visit_id == Visit.id, _counted()))
        .outerjoin(Worker, Worker.id == VisitAssignment.worker_id)
        .outerjoin(VisitMaintenance, VisitMaintenance.id == _latest_maintenance(VisitAssignment.worker_id))
        .where(Visit.contract_id == contract_id)
        .order_by(Visit.planned_start, Visit.id, VisitAssignment.position, VisitAssignment.id)
    )
    if start is not None:
        stmt = stmt.where(Visit.planned_start >= start, Visit.planned_start < end)
    if visit_ids is not None:
        stmt = stmt.where(Visit.id.in_(visit_ids))
    if client_id is not None:
        stmt = stmt.where(Visit.client_id == client_id)
    return stmt


def contract_holds(contract: Contract, flags, started_at, ended_at, planned_minutes: int) -> tuple[str, ...]:
    actual = (ended_at - started_at) // MINUTE if started_at and ended_at and ended_at >= started_at else None
    return holds_for(contract, flags, actual, planned_minutes)


def holds_for(contract: Contract, flags, actual: int | None, planned_minutes: int) -> tuple[str, ...]:
    """The visit's flags that hold its pay under the contract, given the visit's actual whole minutes."""
    return pay_holds(flags, actual, planned_minutes, hold_outside_geofence=contract.hold_outside_geofence,
                     hold_short_below_percent=contract.hold_short_below_percent)


def missed_reason(status: str, reasons) -> str | None:
    """The code a coordinator gave for a missed visit, which may make it a frustrated one."""
    if status != VisitStatus.MISSED:
        return None
    return next((reason["code"] for reason in reasons or () if reason.get("about") == ReasonKind.MISSED), None)


def visit_of(row, contract: Contract) -> VisitFacts:
    flags = tuple(row.flags or ())
    return VisitFacts(
        row.planned_start,
        row.planned_minutes,
        (),
        row.status,
        bool(row.overrun_approved),
        row.visit_id,
        flags,
        contract_holds(contract, flags, row.started_at, row.ended_at, row.planned_minutes),
        row.pay_decision,
        row.pay_decision_note,
        missed_reason(row.status, row.reasons),
        row.visit_type,
    )


def carer_of(row) -> CarerFacts:
    return CarerFacts(row.worker_id, row.checked_in_at, row.checked_out_at, row.arrived_at, bool(row.manual),
                      row.open_hold, bool(row.accepted), row.overrun_approved_minutes or 0,
                      row.arrival_geofence == "verified", row.bill_start, row.bill_end, row.bill_reason)


def shape_of(row) -> tuple:
    """All that visit_of and carer_of read from a row but the carer's id, each instant as its distance from the
    planned start: rows of one contract on one local date with the same shape are paid alike by a rule set
    that does not read instants themselves (engine.reads_instants)."""
    start, status = row.planned_start, row.status
    started, ended, check_in, check_out, arrival = (row.started_at, row.ended_at, row.checked_in_at,
                                                    row.checked_out_at, row.arrived_at)
    bill_start, bill_end = row.bill_start, row.bill_end
    return (row.planned_minutes, status, row.overrun_approved, tuple(row.flags or ()), row.pay_decision,
            row.pay_decision_note, status == "missed" and missed_reason(status, row.reasons), row.visit_type,
            started and started - start, ended and ended - start, check_in and check_in - start,
            check_out and check_out - start, arrival and arrival - start, bill_start and bill_start - start,
            bill_end and bill_end - start, row.manual, row.open_hold, row.accepted, row.overrun_approved_minutes,
            row.arrival_geofence, row.bill_reason)


def activity_rows(contract_id: int, start: datetime, end: datetime, *, activity_ids=None):
    stmt = (
        select(NonContactActivity.id.label("activity_id"), NonContactActivity.client_id,
               Client.reference.label("client_reference"), NonContactActivity.worker_id, Worker.staff_ref,
               NonContactActivity.category, NonContactActivity.minutes, NonContactActivity.occurred_at)
        .join(Client, Client.id == NonContactActivity.client_id)
        .outerjoin(Worker, Worker.id == NonContactActivity.worker_id)
        .where(NonContactActivity.contract_id == contract_id,
               NonContactActivity.occurred_at >= start, NonContactActivity.occurred_at < end)
        .order_by(NonContactActivity.occurred_at, NonContactActivity.id)
    )
    if activity_ids is not None:
        stmt = stmt.where(NonContactActivity.id.in_(activity_ids))
    return stmt


def activity_of(row) -> ActivityFacts:
    return ActivityFacts(row.category, row.minutes, row.occurred_at, row.worker_id)


def visit_facts(visit: Visit) -> VisitFacts:
    """One visit's facts through the ORM, for the single-visit endpoint."""
    exceptions = db.session.execute(
        select(VisitException.worker_id, VisitException.kind, VisitException.resolved_at,
               VisitException.correction_id).where(VisitException.visit_id == visit.id)).all()

    def concerns(exc, worker_id) -> bool:
        return exc.worker_id is None or exc.worker_id == worker_id

    carers = []
    for a in sorted(visit.assignments, key=lambda a: (a.position, a.id)):
        if a.removed_at is not None and a.checked_in_at is None and a.checked_out_at is None:
            continue
        holds = sorted(e.kind for e in exceptions
                       if e.resolved_at is None and e.kind in HELD_EXCEPTION_KINDS and concerns(e, a.worker_id))
        accepted = (a.checked_in_at is not None and a.checked_out_at is None and any(
            e.kind == "no_checkout" and e.resolved_at is not None and e.correction_id is None
            and concerns(e, a.worker_id) for e in exceptions))
        bill = db.session.scalar(select(VisitMaintenance).where(
            VisitMaintenance.visit_id == visit.id, VisitMaintenance.worker_id == a.worker_id)
            .order_by(VisitMaintenance.id.desc()).limit(1))
        carers.append(CarerFacts(a.worker_id, a.checked_in_at, a.checked_out_at, a.arrived_at, a.manual,
                                 holds[0] if holds else None, accepted, a.overrun_approved_minutes or 0,
                                 a.arrival_geofence == "verified", bill and bill.bill_start, bill and bill.bill_end,
                                 bill and bill.reason_code))
    flags = tuple(visit.flags or ())
    return VisitFacts(visit.planned_start, visit.planned_minutes, tuple(carers), visit.status,
                      visit.overrun_approved, visit.id, flags,
                      contract_holds(visit.contract, flags, visit.started_at, visit.ended_at, visit.planned_minutes),
                      visit.pay_decision, visit.pay_decision_note, missed_reason(visit.status, visit.reasons),
                      visit.visit_type)


def council_calendar(council: Council) -> PayCalendar:
    """The council's zone, its chosen holiday calendar and the days it declared itself."""
    declared = {date.fromisoformat(day["date"]): day["name"] for day in council.extra_holidays or ()}
    return PayCalendar(council.timezone, CouncilHolidays(council.holiday_calendar, declared))


def contract_rules(contract: Contract) -> tuple[RuleSet, PayCalendar]:
    return rule_set_named(contract.payment_rule_set), council_calendar(contract.council)


def visit_payable(visit: Visit) -> tuple[Payable, RuleSet, PayCalendar]:
    rules, calendar = contract_rules(visit.contract)
    return payable_for_visit(visit_facts(visit), rules, calendar), rules, calendar


def _round_half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def commissioned_minutes(contract_id: int, first: date, last: date) -> dict[int, int]:
    """Each client's commissioned minutes over local dates first..last: weekly minutes x days in the package / 7.

    A package starting or ending within the dates counts only its own days; the sum is
    rounded half-up to whole minutes once per client (4 whole weeks of 420 a week is 1680).
    """
    packages = db.session.execute(
        select(CarePackage.client_id, CarePackage.weekly_minutes, CarePackage.starts_on, CarePackage.ends_on)
        .join(Client, Client.id == CarePackage.client_id)
        .where(Client.contract_id == contract_id, CarePackage.starts_on <= last,
               or_(CarePackage.ends_on.is_(None), CarePackage.ends_on >= first)))
    exact: dict[int, Fraction] = {}
    for client_id, weekly, starts_on, ends_on in packages:
        days = (min(last, ends_on or last) - max(first, starts_on)).days + 1
        exact[client_id] = exact.get(client_id, Fraction(0)) + Fraction(weekly * days, 7)
    return {client_id: _round_half_up(value) for client_id, value in exact.items()}


def contingency_minutes(contract_id: int, first: date, last: date) -> dict[int, int]:
    """Each client's authorised contingency minutes granted for dates first..last."""
    rows = db.session.execute(
        select(ContingencyGrant.client_id, func.sum(ContingencyGrant.minutes))
        .where(ContingencyGrant.contract_id == contract_id, ContingencyGrant.on_date >= first,
               ContingencyGrant.on_date <= last)
        .group_by(ContingencyGrant.client_id))
    return {client_id: int(total) for client_id, total in rows}


def authorisations(contract_id: int, first: date, last: date) -> list[Authorisation]:
    """Service authorisations of the contract's clients that overlap local dates first..last."""
    return [Authorisation(a.id, a.client_id, a.service_code, a.date_from, a.date_to, a.units, a.minutes)
            for a in db.session.scalars(select(ServiceAuthorisation).where(
                ServiceAuthorisation.contract_id == contract_id, ServiceAuthorisation.date_from <= last,
                ServiceAuthorisation.date_to >= first))]
