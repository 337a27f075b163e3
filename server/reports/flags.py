"""Verified visits and flags, per provider: how much of the care delivered the phones can vouch for.

The unit is a visit planned in the period (cancelled visits are left out). A visit is
verified when it was completed and every carer's check-in and check-out showed presence in
the home (a fix inside its geofence with good accuracy, or the home's own tag scanned, tapped,
typed or texted), with no coordinator-entered times, no phone clock skew, and a first check-in
and length within the contract's thresholds (no early, late, short, outside_geofence,
unverified_location, tag_invalid, clock_skew or manual_times flag).
verified_pct is verified over completed visits. Each flag is counted once per visit
that carries it; see GET /visits/<id> for what each flag means.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import Text, cast, func, select

from server.extensions import db
from server.reports import rollup
from server.reports.classes import flag_tally
from server.reports.scope import Scope, pct
from server.visits.flags import Flag
from server.visits.models import Visit, VisitStatus


def flags(scope: Scope) -> dict:
    names = {c.provider_id: c.provider.name for c in scope.contracts}
    provider_of = {c.id: c.provider_id for c in scope.contracts}
    if rollup.usable(scope):
        rollup.refresh(scope)
        counted = rollup.contract_counts(scope, "flags")
    else:
        counted = _counted(scope)
    tallies: dict[int, Counter] = {}
    for contract_id, figure, n in counted:
        tallies.setdefault(provider_of[contract_id], Counter())[figure] += n
    rows = [{"provider_id": pid, "provider_name": names.get(pid), **figures(tallies[pid])} for pid in sorted(tallies)]
    return scope.envelope("flags", rows, figures(sum(tallies.values(), Counter())))


def _counted(scope: Scope) -> list[tuple[int, str, int]]:
    """(contract, figure) counts from the visits, grouped by their list of flags as stored (a few hundred lists
    over a year, not a row a visit); as text, since PostgreSQL cannot group json."""
    stored = cast(Visit.flags, Text)
    counted = flag_tally(db.session.execute(
        select(Visit.contract_id, Visit.status, stored, func.count())
        .where(*scope.visits(), Visit.status != VisitStatus.CANCELLED)
        .group_by(Visit.contract_id, Visit.status, stored)))
    return [(contract_id, figure, n) for (contract_id, figure), n in counted.items()]


def figures(tally: Counter) -> dict:
    return {"visits": tally["visits"], "completed": tally["completed"], "verified": tally["verified"],
            "verified_pct": pct(tally["verified"], tally["completed"]), **{f: tally[f] for f in Flag}}


CSV_COLUMNS = ("provider_id", "provider_name", "visits", "completed", "verified", "verified_pct", *Flag)


def csv_lines(result: dict):
    return [*result["rows"], {"provider_name": "total", **result["totals"]}]
