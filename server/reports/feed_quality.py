"""The open provider feed's quality, per provider: how soon events arrive, how many are located, whether visits get both ends, and what was refused.

The unit is a visit event that a provider's own system sent through the feed (POST /api/v1/feed/events), for
visits planned in the period; events from Caremon's app are left out. Lag is the event's receipt time minus
its device time, in seconds: the median (lag_median_s) and the 95th percentile (lag_p95_s, inclusive
method); a phone clock ahead of the server's makes a lag negative. verified_pct is the share of those events
whose location was inside the home's geofence with good accuracy. visits counts visits with any feed event;
both_events_pct is the share of them with both a check-in and a check-out from the feed. rejected counts the
items of every feed batch (clients, workers, visits, events) refused in the period, by the UTC hour they were
sent, whatever the contract: by the sending system, batch kind and reason (the error code answered). A batch
sent again counts its refusals again.
"""
from __future__ import annotations

import statistics
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from server.extensions import db
from server.feed.models import FeedRejection
from server.reports.scope import Scope, pct
from server.reports.sql import seconds_between
from server.visits.models import Visit, VisitEvent

CHECK_IN, CHECK_OUT = "check_in", "check_out"


@dataclass
class Tally:
    lags: array = field(default_factory=lambda: array("q"))
    verified: int = 0
    # Per visit: which of its check-in and check-out the feed sent.
    ends: dict = field(default_factory=lambda: defaultdict(set))
    # Items refused, by (source system, kind, reason).
    rejections: Counter = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        self.lags.extend(other.lags)
        self.verified += other.verified
        self.ends.update(other.ends)
        self.rejections.update(other.rejections)


def feed_quality(scope: Scope) -> dict:
    names = {c.provider_id: c.provider.name for c in scope.contracts}
    tallies = {provider_id: Tally() for provider_id in sorted(names)}
    _count_events(scope, tallies)
    _count_rejections(scope, tallies)
    rows = [{"provider_id": pid, "provider_name": names[pid], **figures(tally)} for pid, tally in tallies.items()]
    total = Tally()
    for tally in tallies.values():
        total.add(tally)
    return scope.envelope("feed-quality", rows, figures(total))


def _count_events(scope: Scope, tallies: dict[int, Tally]) -> None:
    stmt = (select(Visit.provider_id, VisitEvent.visit_id, VisitEvent.kind, VisitEvent.geofence,
                   seconds_between(VisitEvent.device_time, VisitEvent.received_at))
            .join(Visit, Visit.id == VisitEvent.visit_id)
            .where(*scope.visits(), VisitEvent.source_system.is_not(None)))
    for provider_id, visit_id, kind, geofence, lag in db.session.execute(stmt.execution_options(yield_per=5000)):
        tally = tallies[provider_id]
        tally.lags.append(lag)
        tally.verified += geofence == "verified"
        ends = tally.ends[visit_id]
        if kind in (CHECK_IN, CHECK_OUT):
            ends.add(kind)


def _count_rejections(scope: Scope, tallies: dict[int, Tally]) -> None:
    start, end = scope.period.bounds
    stmt = (select(FeedRejection.provider_id, FeedRejection.source_system, FeedRejection.kind, FeedRejection.reason,
                   func.sum(FeedRejection.items))
            .where(FeedRejection.provider_id.in_(list(tallies)), FeedRejection.hour >= start, FeedRejection.hour < end)
            .group_by(FeedRejection.provider_id, FeedRejection.source_system, FeedRejection.kind, FeedRejection.reason))
    for provider_id, source_system, kind, reason, items in db.session.execute(stmt):
        tallies[provider_id].rejections[source_system, kind, reason] += int(items)


def figures(tally: Tally) -> dict:
    lags = sorted(tally.lags)
    both = sum(ends == {CHECK_IN, CHECK_OUT} for ends in tally.ends.values())
    return {"events": len(lags), "lag_median_s": _quantile(lags, 50), "lag_p95_s": _quantile(lags, 95),
            "verified": tally.verified, "verified_pct": pct(tally.verified, len(lags)),
            "visits": len(tally.ends), "both_events": both, "both_events_pct": pct(both, len(tally.ends)),
            "rejected": tally.rejections.total(), "rejections": [
                {"source_system": source, "kind": kind, "reason": reason, "items": items}
                for (source, kind, reason), items in sorted(tally.rejections.items())]}


def _quantile(ordered: list[int], percent: int) -> float | None:
    if len(ordered) < 2:
        return float(ordered[0]) if ordered else None
    return round(statistics.quantiles(ordered, n=100, method="inclusive")[percent - 1], 1)


CSV_COLUMNS = ("provider_id", "provider_name", "events", "lag_median_s", "lag_p95_s", "verified", "verified_pct",
               "visits", "both_events", "both_events_pct", "rejected")
