"""A closed period's outcome-payment line and a contract's weekly-budget report, as the API and CSV show them.

The line is computed when read, from the period's frozen payment (amount_pence; under the weekly-budget
model that is the packages' budget rows) and the outcome data as it stands, so a review recorded late
still counts; the arithmetic is server/payments/outcome_pay.py.
"""
from __future__ import annotations

import csv
import io
from datetime import date

from server.cells import cell, pounds
from server.directory.models import Contract
from server.extensions import db
from server.outcomes.payment_facts import measure_counts
from server.payments.budget_facts import package_facts
from server.payments.budgets import budget_line
from server.payments.models import PaymentPeriod
from server.payments.outcome_pay import outcome_payment
from server.payments.rules import rule_set_named

CSV_COLUMNS = ("period_id", "contract_id", "contract_reference", "provider_id", "provider", "date_from", "date_to",
               "rule_set", "row", "measure", "target_percent", "weight", "cases", "met", "result_percent",
               "target_met", "paid_pence", "retained_pence", "share_pence", "released_pence", "withheld_pence",
               "payable_pence", "payable", "explanation")


def budgets(contract: Contract, first: date, last: date, today: date) -> list[dict]:
    """Each package in force over the dates: its budget, the budget planned after its reduction, and the gap."""
    lines = []
    for facts in package_facts(contract, first, last):
        line = budget_line(facts, first, last, today)
        lines.append({
            "package_id": facts.package_id, "client_id": facts.client_id, "weekly_minutes": facts.weekly_minutes,
            "weekly_budget_minor": facts.weekly_budget_minor, "reablement": facts.reablement,
            "planned_end_on": facts.planned_end_on, "planned_weekly_minutes": facts.planned_weekly_minutes,
            "planned_weekly_budget_minor": line.planned_weekly_budget_minor, "minutes_after_plan":
            facts.minutes_after_plan, "days": line.days, "budget_minor": line.budget_minor,
            "planned_budget_minor": line.planned_budget_minor, "over_plan_minor": line.over_plan_minor,
            "status": line.status, "explanation": list(line.explanation),
        })
    return lines


def period_line(period: PaymentPeriod) -> dict:
    """The period's provider line: retained, each measure's result and release, with the explanation."""
    contract = db.session.get(Contract, period.contract_id)
    rules = rule_set_named(period.rule_set)
    head = {"period_id": period.id, "contract_id": contract.id, "contract_reference": contract.reference,
            "provider_id": contract.provider_id, "provider": contract.provider.name, "date_from": period.date_from,
            "date_to": period.date_to, "rule_set": rules.name, "model": rules.model}
    if rules.outcome_payments is None:
        return {**head, "lines": []}
    payment = outcome_payment(rules.outcome_payments, period.amount_pence,
                              measure_counts(contract, period.date_from, period.date_to))
    line = {
        "provider_id": contract.provider_id, "provider": contract.provider.name, "paid_pence": payment.paid_minor,
        "top_slice_percent": payment.top_slice_percent, "retained_pence": payment.retained_minor,
        "released_pence": payment.released_minor, "withheld_pence": payment.withheld_minor,
        "payable_pence": payment.payable_minor, "explanation": list(payment.explanation),
        "measures": [{"name": m.name, "target_percent": m.target_percent, "weight": m.weight, "release": m.release,
                      "cases": m.cases, "met": m.met, "result_percent": m.result_percent, "target_met": m.target_met,
                      "share_pence": m.share_minor, "released_pence": m.released_minor,
                      "withheld_pence": m.withheld_minor, "note": m.note} for m in payment.measures],
    }
    return {**head, "lines": [line]}


def as_csv(answer: dict) -> str:
    """One row per measure, then the line's total row, for each line; text cells made safe for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    head = [answer[k] for k in ("period_id", "contract_id", "contract_reference", "provider_id", "provider",
                                "date_from", "date_to", "rule_set")]
    for line in answer["lines"]:
        for m in line["measures"]:
            writer.writerow([cell(v) for v in (*head, "measure", m["name"], m["target_percent"], m["weight"],
                                               m["cases"], m["met"], m["result_percent"], m["target_met"],
                                               line["paid_pence"], None, m["share_pence"], m["released_pence"],
                                               m["withheld_pence"], None, None, m["note"])])
        writer.writerow([cell(v) for v in (*head, "total", None, None, None, None, None, None, None,
                                           line["paid_pence"], line["retained_pence"], None, line["released_pence"],
                                           line["withheld_pence"], line["payable_pence"],
                                           pounds(line["payable_pence"]), "; ".join(line["explanation"]))])
    return out.getvalue()
