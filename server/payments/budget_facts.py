"""The bridge from care packages to the weekly-budget arithmetic (budgets.py): a contract's packages as facts."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import or_, select

from server.care.models import CarePackage
from server.directory.models import Client, Contract
from server.extensions import db
from server.payments.budgets import PackageFacts


def _minutes_in_force(client_ids: set[int], day_of: dict[int, list[date]]) -> dict[tuple[int, date], int]:
    """Each client's total weekly minutes in force on each of the asked days."""
    if not client_ids:
        return {}
    packages = db.session.execute(select(CarePackage.client_id, CarePackage.weekly_minutes, CarePackage.starts_on,
                                         CarePackage.ends_on).where(CarePackage.client_id.in_(client_ids))).all()
    totals: dict[tuple[int, date], int] = defaultdict(int)
    for client_id, minutes, starts_on, ends_on in packages:
        for day in day_of[client_id]:
            if starts_on <= day and (ends_on is None or ends_on >= day):
                totals[(client_id, day)] += minutes
    return totals


def package_facts(contract: Contract, first: date, last: date, reablement_due_only: bool = False) -> list[PackageFacts]:
    """The contract's packages in force over first..last (or, reablement_due_only, those planned to reduce in it)."""
    stmt = select(CarePackage).join(Client, Client.id == CarePackage.client_id).where(Client.contract_id == contract.id)
    if reablement_due_only:
        stmt = stmt.where(CarePackage.reablement.is_(True), CarePackage.planned_end_on >= first,
                          CarePackage.planned_end_on <= last)
    else:
        stmt = stmt.where(CarePackage.starts_on <= last,
                          or_(CarePackage.ends_on.is_(None), CarePackage.ends_on >= first))
    packages = list(db.session.scalars(stmt.order_by(CarePackage.client_id, CarePackage.id)))
    day_of: dict[int, list[date]] = defaultdict(list)
    for p in packages:
        if p.reablement and p.planned_end_on is not None:
            day_of[p.client_id].append(p.planned_end_on + timedelta(days=1))
    in_force = _minutes_in_force(set(day_of), day_of)
    return [PackageFacts(
        package_id=p.id, client_id=p.client_id, weekly_minutes=p.weekly_minutes,
        weekly_budget_minor=p.weekly_budget_minor, starts_on=p.starts_on, ends_on=p.ends_on,
        reablement=p.reablement, planned_end_on=p.planned_end_on, planned_weekly_minutes=p.planned_weekly_minutes,
        minutes_after_plan=in_force.get((p.client_id, p.planned_end_on + timedelta(days=1)), 0)
        if p.reablement and p.planned_end_on is not None else None,
    ) for p in packages]
