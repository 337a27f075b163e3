"""Is a fix at the client's home? Geodesic distance against the contract's radius."""
from __future__ import annotations

from dataclasses import dataclass

from geopy.distance import geodesic


@dataclass(frozen=True)
class Verdict:
    geofence: str  # verified | unverified | outside | none
    distance_m: float | None


def judge(lat: float | None, lon: float | None, accuracy_m: float | None,
          home: tuple[float, float], radius_m: float, accuracy_limit_m: float) -> Verdict:
    """A poor fix is 'unverified', never a rejection: the worker may well be at the door."""
    if lat is None or lon is None:
        return Verdict("none", None)
    distance = geodesic((lat, lon), home).meters
    if accuracy_m is None or accuracy_m > accuracy_limit_m:
        return Verdict("unverified", distance)
    return Verdict("verified" if distance <= radius_m else "outside", distance)
