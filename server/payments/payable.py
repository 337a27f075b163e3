"""A visit's payable time as one answer: each rule's step explained, and what closed periods paid for it.

This is what a coordinator or officer reads when asking "why this much for this visit?", so it
prices the visit the same way the export does and adds the money already frozen in periods.
"""
from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db
from server.payments import facts
from server.payments.engine import Payable
from server.payments.export import ContractExport
from server.payments.models import PaymentSnapshot
from server.visits.models import Visit


def visit_payable(visit: Visit) -> dict:
    """A visit's payable time with each rule explained, and what closed periods have paid for it so far.

    Under unit billing the lines come from the export's path, which knows the carries and
    authorisations of the visits before it.
    """
    payable, rules, calendar = facts.visit_payable(visit)
    if rules.service_codes:
        day = calendar.day(visit.planned_start).local_date
        export = ContractExport(visit.contract, day, day)
        lines = tuple(line for _, line, _ in export.priced_visits(day, day, {visit.id}, explain=True))
        payable = Payable(rules.name, visit.id, visit.planned_start, lines)
    paid = db.session.execute(
        select(
            PaymentSnapshot.period_id, func.sum(PaymentSnapshot.payable_minutes), func.sum(PaymentSnapshot.amount_pence)
        )
        .where(PaymentSnapshot.contract_id == visit.contract_id, PaymentSnapshot.visit_id == visit.id)
        .group_by(PaymentSnapshot.period_id).order_by(PaymentSnapshot.period_id)).all()
    period_rule = None
    if rules.period is not None:
        first, last = rules.period.block_of(calendar.day(visit.planned_start).local_date)
        period_rule = (f"{rules.period.kind}: the client's block {first}..{last} is settled in the export "
                       "holding its last day, on top of these lines")
    return {
        "visit_id": visit.id, "contract_id": visit.contract_id, "rule_set": rules.name, "timezone": calendar.tz,
        "currency": visit.contract.council.currency, "minor_unit": visit.contract.council.minor_unit,
        "planned_start": visit.planned_start, "planned_minutes": visit.planned_minutes, "status": visit.status,
        "flags": visit.flags or [], "pay_decision": visit.pay_decision, "pay_decision_note": visit.pay_decision_note,
        "minutes": payable.minutes, "amount_pence": payable.amount_pence, "held": payable.held,
        "lines": payable.lines, "period_rule": period_rule,
        "paid_in_closed_periods": {"period_ids": [p for p, _, _ in paid], "minutes": sum(int(m) for _, m, _ in paid),
                                   "amount_pence": sum(int(a) for _, _, a in paid)} if paid else None,
    }
