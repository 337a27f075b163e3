"""What-if repricing: a closed period priced under another rule set, beside what its own rule set gives.

A council weighing a contract change wants to know what it would have cost. Both sides are priced
live through the export's own path (export.py, closed-period replay off), so the prices are the ones
an export would send; the closed period, its snapshots and its checksum are only read. Adjustments
to earlier periods are left out of both sides, since they pay for other dates.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from server.auth.tenancy import Identity
from server.directory.models import Contract
from server.directory.tenancy import scope_contracts
from server.errors import not_found
from server.extensions import db
from server.i18n import _
from server.payments.export import ContractExport
from server.payments.models import PaymentPeriod
from server.payments.rules import RuleSet, rule_set_named

NO_FLAG = "none"


def get_period(ident: Identity, period_id: int) -> PaymentPeriod:
    period = db.session.scalar(select(PaymentPeriod).where(
        PaymentPeriod.id == period_id, PaymentPeriod.contract_id.in_(scope_contracts(select(Contract.id), ident))))
    if period is None:
        raise not_found(_("Period not found"))
    return period


class Sums:
    """Minutes and pence of one side, in total and by provider, client and flag."""

    def __init__(self, rows: Iterable[dict]):
        self.total = [0, 0, 0]
        self.groups: dict[str, dict] = {"provider": {}, "client": {}, "flag": {}}
        self.references: dict[int, str | None] = {}
        for row in rows:
            minutes, pence = row["payable_minutes"] or 0, row["amount_pence"] or 0
            self.total[0] += minutes
            self.total[1] += pence
            self.total[2] += row["outcome"] == "held"
            keys = {"provider": [row["provider_id"]], "client": [row["client_id"]],
                    "flag": list(row["flags"] or ()) or [NO_FLAG]}
            self.references.setdefault(row["client_id"], row["client_reference"])
            for group, values in keys.items():
                for value in values:
                    sums = self.groups[group].setdefault(value, [0, 0])
                    sums[0] += minutes
                    sums[1] += pence


def _priced(period: PaymentPeriod, contract: Contract, rules: RuleSet) -> Sums:
    export = ContractExport(contract, period.date_from, period.date_to, rules=rules, replay=False)
    return Sums(export.rows())


def _differences(current: Sums, repriced: Sums, group: str, name: str) -> list[dict]:
    was, now = current.groups[group], repriced.groups[group]
    lines = []
    for key in sorted(was.keys() | now.keys(), key=lambda k: (k is None, str(k))):
        (cm, cp), (rm, rp) = was.get(key, (0, 0)), now.get(key, (0, 0))
        line = {name: key, "current_minutes": cm, "current_pence": cp, "repriced_minutes": rm, "repriced_pence": rp,
                "difference_minutes": rm - cm, "difference_pence": rp - cp}
        if group == "client":
            line["client_reference"] = current.references.get(key) or repriced.references.get(key)
        lines.append(line)
    return lines


def reprice(period: PaymentPeriod, rule_set: str) -> dict:
    """The period under its own rule set and under `rule_set`, with the difference per provider, client and flag."""
    contract = db.session.get(Contract, period.contract_id)
    repriced_rules = rule_set_named(rule_set)
    current = _priced(period, contract, rule_set_named(period.rule_set))
    repriced = _priced(period, contract, repriced_rules)

    def side(sums: Sums) -> dict:
        return {"payable_minutes": sums.total[0], "amount_pence": sums.total[1], "held_rows": sums.total[2]}

    return {
        "period_id": period.id, "contract_id": contract.id, "contract_reference": contract.reference,
        "date_from": period.date_from, "date_to": period.date_to,
        "rule_set": period.rule_set, "repriced_rule_set": repriced_rules.name,
        "paid": {"payable_minutes": period.payable_minutes, "amount_pence": period.amount_pence,
                 "held_rows": period.held_rows},
        "current": side(current), "repriced": side(repriced),
        "difference": {"payable_minutes": repriced.total[0] - current.total[0],
                       "amount_pence": repriced.total[1] - current.total[1]},
        "by_provider": _differences(current, repriced, "provider", "provider_id"),
        "by_client": _differences(current, repriced, "client", "client_id"),
        "by_flag": _differences(current, repriced, "flag", "flag"),
    }
