"""Fair pay by carer and day: paid contact minutes, travel, waiting and working time, pay, and the minimum wage.

One row per carer per local date they worked, under the contracts the caller covers. Definitions are in
server/fairpay/days.py: a run of visits belongs to the local date of its first check-in; paid minutes are the
payment engine's payable minutes; travel is the shared travel model's estimate between consecutive homes
(the carer's travel mode, car by default); waiting is the rest of each gap; a gap longer than travel plus
fair_pay_break_minutes is a break and not working time. Pay is paid minutes (and travel where the provider
pays it) at the carer's hourly rate (worker's, else the provider's); below_minimum compares it with the
statutory minimum wage in force that day (setting minimum_wage). Carers and providers are also summed over
the period, their minimum weighed day by day. A council officer sees carers by staff reference, not name.
Only visits under the covered contracts count: time at another council's client shows as a gap.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from server.fairpay.days import Day, Summary, summarise
from server.fairpay.queries import (
    Travel,
    days_of,
    priced_stints,
    workers_with_providers,
)
from server.reports.csv_export import to_csv
from server.reports.scope import Scope

FIGURES = ("contact_minutes", "travel_minutes", "waiting_minutes", "working_minutes", "paid_minutes",
           "pay_minor", "effective_hourly_minor", "below_minimum")


def fair_pay(scope: Scope, settings: Mapping, *, show_names: bool) -> dict:
    first, last = scope.period.first, scope.period.last
    stints = priced_stints(scope.contracts, first, last)
    people = workers_with_providers(stints)
    rows, by_carer, by_provider, travel = [], defaultdict(list), defaultdict(list), Travel(settings)
    for worker_id, priced in stints.items():
        worker, provider = people[worker_id]
        for day in days_of(worker, provider, [p.stint for p in priced], first, last, scope.period.tz, settings,
                           travel):
            who = {"provider_id": provider.id, "provider_name": provider.name, "worker_id": worker.id,
                   "worker_name": worker.name if show_names else None, "staff_ref": worker.staff_ref}
            rows.append({**who, **day_figures(day)})
            by_carer[worker.id].append((who, day))
            by_provider[provider.id].append((who, day))
    rows.sort(
        key=lambda r: (r["provider_name"], r["worker_name"] or "", r["staff_ref"] or "", r["worker_id"], r["date"])
    )
    carers = sorted(
        ({**days[0][0], **summary_figures(summarise(d for _, d in days))} for days in by_carer.values()),
        key=lambda r: (r["provider_name"], r["worker_name"] or "", r["staff_ref"] or "", r["worker_id"]),
    )
    providers = sorted(
        (
            {
                "provider_id": pid,
                "provider_name": days[0][0]["provider_name"],
                "carers": len({who["worker_id"] for who, _ in days}),
                **summary_figures(summarise(d for _, d in days)),
            }
            for pid, days in by_provider.items()
        ),
        key=lambda r: r["provider_name"],
    )
    everyone = summarise(day for days in by_provider.values() for _, day in days)
    result = scope.envelope("fair-pay", rows, {"carers": len(by_carer), **summary_figures(everyone)})
    return {**result, "carers": carers, "providers": providers}


def day_figures(day: Day) -> dict:
    return {
        "date": day.local_date, "visits": len(day.stints), "runs": day.runs, "held_visits": day.held_visits,
        "untimed_visits": day.untimed_visits, "hourly_rate_minor": day.hourly_minor, "pays_travel": day.pays_travel,
        "minimum_hourly_minor": day.minimum_hourly_minor,
        **{name: getattr(day, name) for name in FIGURES},
    }


def summary_figures(summary: Summary) -> dict:
    return {"days": summary.days, "days_below": summary.days_below,
            **{name: getattr(summary, name) for name in FIGURES}}


CSV_COLUMNS = ("row_kind", "provider_id", "provider_name", "worker_id", "worker_name", "staff_ref", "date", "days",
               "days_below", "carers", "visits", "runs", "held_visits", "untimed_visits", "hourly_rate_minor",
               "pays_travel", "minimum_hourly_minor", *FIGURES)


def to_csv_text(result: dict) -> str:
    """Day rows, then a line per carer and per provider over the period, then the total."""
    lines = [{"row_kind": "day", **row} for row in result["rows"]]
    lines += [{"row_kind": "carer", **row} for row in result["carers"]]
    lines += [{"row_kind": "provider", **row} for row in result["providers"]]
    lines.append({"row_kind": "total", **result["totals"]})
    return to_csv(CSV_COLUMNS, lines)
