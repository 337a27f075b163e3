"""How well each zone places packages: pick-up rate, time to place, packages waiting.

pick_up_pct is the share of finished offers (placed or unplaced; withdrawn ones left out) that a provider took.
Hours to place run from the offer to its acceptance; the median and the longest are given. waiting counts the
offers still with a provider now. Each provider's placed count and its share of the zone's placed packages sit
beside its share goal, so a provider falling behind its share is plain to see.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from statistics import median

from sqlalchemy import select

from server.commissioning.models import OfferStatus, PackageOffer, Zone
from server.extensions import db
from server.reports.scope import pct


def zone_figures(zones: list[Zone]) -> dict[int, dict]:
    by_zone = defaultdict(list)
    for row in db.session.execute(select(
        PackageOffer.zone_id, PackageOffer.status, PackageOffer.created_at, PackageOffer.closed_at,
        PackageOffer.placed_contract_id).where(PackageOffer.zone_id.in_([z.id for z in zones]))):
        by_zone[row.zone_id].append(row)
    figures = {}
    for zone in zones:
        rows = by_zone[zone.id]
        status = Counter(r.status for r in rows)
        hours = [(r.closed_at - r.created_at).total_seconds() / 3600 for r in rows if r.status == OfferStatus.PLACED]
        placed = Counter(r.placed_contract_id for r in rows if r.status == OfferStatus.PLACED)
        figures[zone.id] = {
            "offers": len(rows), "placed": status[OfferStatus.PLACED], "unplaced": status[OfferStatus.UNPLACED],
            "waiting": status[OfferStatus.OPEN],
            "pick_up_pct": pct(status[OfferStatus.PLACED], status[OfferStatus.PLACED] + status[OfferStatus.UNPLACED]),
            "median_hours_to_place": round(median(hours), 1) if hours else None,
            "max_hours_to_place": round(max(hours), 1) if hours else None,
            "providers": [
                {
                    "contract_id": p.contract_id,
                    "share_pct": p.share_pct,
                    "placed": placed[p.contract_id],
                    "placed_pct": pct(placed[p.contract_id], status[OfferStatus.PLACED]),
                }
                for p in zone.providers
            ],
        }
    return figures
